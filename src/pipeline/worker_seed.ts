/**
 * Copy mode's first copy of a fresh clone, made while the clone is checked out. Writing a 2,000-file
 * workspace is most of a clone's time, and copying it into the engine is the same work again there; so
 * the worker gets the branch's files straight from the clone's history (`git archive`, which writes them
 * as the checkout does), and git's objects, which the checkout does not touch, while the host's checkout
 * writes its files. What the host has besides (the rest of `.git`, the env file), or what came out
 * otherwise, goes in after. Both sides then hold the same files.
 */
import * as Effect from "effect/Effect"
import { join } from "node:path"
import type { TicketId } from "../domain/TicketId.ts"
import { workerPaths } from "../services/agent/credentials.ts"
import { pathsTar } from "../services/docker/build_context.ts"
import { ContainerCopies, type CopyPair } from "../services/docker/ContainerCopies.ts"
import { DockerEngine } from "../services/docker/DockerEngine.ts"
import { relativeToRoot } from "../services/docker/folder_copy.ts"
import { FolderCopyFailed } from "../services/docker/DockerError.ts"
import { type EntryShape, walkSync } from "../services/docker/folder_manifest.ts"
import { endOfArchive } from "../services/docker/tar.ts"
import { reownTar } from "../services/docker/tar_owner.ts"
import { Workspace } from "../services/workspace/Workspace.ts"
import { invokingOwner } from "./worker_files.ts"

/** What a new worker is seeded from. */
export interface WorkerSeed {
  /** The commit the host's workspace is being checked out at. */
  readonly commit: string
  /** Done when the host's workspace is whole: checked out, the env file in. */
  readonly hostReady: Effect.Effect<void>
}

const prefix = relativeToRoot(workerPaths.workspace)

/** `.git/objects` as the clone left it, with the folders above it: what a checkout never changes. */
const gitObjects = (hostDir: string): Map<string, EntryShape> => {
  const shape = (info: Deno.FileInfo): EntryShape => ({
    type: info.isDirectory ? "directory" : "file",
    size: info.isFile ? info.size : 0,
    mode: (info.mode ?? 0) & 0o7777,
    linkTarget: "",
  })
  const found = new Map<string, EntryShape>()
  for (const folder of [".git", ".git/objects"]) found.set(folder, shape(Deno.lstatSync(join(hostDir, folder))))
  walkSync(hostDir, ".git/objects", (path, info) => {
    if (info.isDirectory || info.isFile) found.set(path, shape(info))
  })
  return found
}

/**
 * Fills the worker's workspace (a container not started yet) from the seed, then, once the host's
 * workspace is whole, with what the host holds besides. False when the checkout holds less than the
 * history said (a path the host does not have): a container not started cannot delete it, so the
 * caller starts again with a whole copy.
 */
export const seedWorkspace = Effect.fn("Worker.seed")(function* (id: TicketId, pair: CopyPair, seed: WorkerSeed) {
  const docker = yield* DockerEngine
  const copies = yield* ContainerCopies
  const owner = invokingOwner()
  const objects = yield* Effect.try({
    try: () => gitObjects(pair.hostDir),
    catch: (error) =>
      new FolderCopyFailed({
        direction: "into",
        container: pair.container,
        path: join(pair.hostDir, ".git", "objects"),
        detail: error instanceof Error ? error.message : String(error),
      }),
  })
  const entries = new Map<string, EntryShape>(objects)
  yield* Effect.scoped(Effect.gen(function* () {
    const tree = yield* (yield* Workspace).archive(id, seed.commit, prefix)
    async function* sent() {
      yield* reownTar(tree.stdout, owner, (entry) => {
        if (entry.path.startsWith(`${prefix}/`)) entries.set(entry.path.slice(prefix.length + 1), entry)
      })
      for await (const chunk of pathsTar(pair.hostDir, [...objects.keys()], { prefix, owner, end: false })) {
        yield chunk
      }
      yield endOfArchive()
    }
    yield* docker.putArchive(pair.container, "/", ReadableStream.from(sent()))
    yield* tree.done
  }))
  yield* seed.hostReady
  const extra = yield* copies.seed(pair, entries, owner)
  if (extra.length > 0) {
    yield* Effect.logWarning(
      `the checkout does not hold ${extra.length} paths of the commit's tree (${extra.slice(0, 3).join(", ")}): ` +
        "the workspace is copied whole instead",
    )
    return false
  }
  yield* Effect.logDebug(`seeded the worker's workspace with ${entries.size} paths from ${seed.commit.slice(0, 12)}`)
  return true
})
