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
import { FolderCopyFailed } from "../services/docker/DockerError.ts"
import type { EntryShape } from "../services/docker/folder_manifest.ts"
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

const prefix = workerPaths.workspace.replace(/^\/+/, "").replace(/\/+$/, "")

/** `.git/objects` as the clone left it, with the folders above it: what a checkout never changes. */
const gitObjects = (hostDir: string): Map<string, EntryShape> => {
  const found = new Map<string, EntryShape>()
  const visit = (path: string) => {
    const info = Deno.lstatSync(join(hostDir, path))
    const mode = (info.mode ?? 0) & 0o7777
    if (info.isDirectory) {
      found.set(path, { type: "directory", size: 0, mode, linkTarget: "" })
      for (const entry of Deno.readDirSync(join(hostDir, path))) visit(`${path}/${entry.name}`)
    } else if (info.isFile) {
      found.set(path, { type: "file", size: info.size, mode, linkTarget: "" })
    }
  }
  found.set(".git", {
    type: "directory",
    size: 0,
    mode: (Deno.lstatSync(join(hostDir, ".git")).mode ?? 0) & 0o7777,
    linkTarget: "",
  })
  visit(".git/objects")
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
  const extra = yield* copies.seed(pair, entries)
  if (extra.length > 0) {
    yield* Effect.logWarning(
      `the checkout does not hold ${extra.length} paths of the commit's tree (${extra.slice(0, 3).join(", ")}): ` +
        "the workspace is copied whole instead",
    )
    yield* copies.forget(pair.volume ?? pair.container)
    return false
  }
  yield* copies.push(pair, owner)
  yield* Effect.logDebug(`seeded the worker's workspace with ${entries.size} paths from ${seed.commit.slice(0, 12)}`)
  return true
})
