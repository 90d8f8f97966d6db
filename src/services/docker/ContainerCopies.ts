/**
 * Host folders with a copy in a container (docker.workspace_mode = "copy"), and what each host folder
 * held when the two were last the same. With that, a change made on the host side (format.sh's changes
 * brought back from validation, a commit in .git) reaches the container as only the paths that changed,
 * instead of the whole folder again.
 *
 * Kept in memory: after a restart nothing is known, and callers bring the container's copy back first
 * (the container holds the agent's latest work), which makes the two the same again.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { pathsTar } from "./build_context.ts"
import { DockerEngine } from "./DockerEngine.ts"
import { FolderCopyFailed } from "./DockerError.ts"
import type { Marks } from "./folder_changes.ts"
import { type Owner, relativeToRoot } from "./folder_copy.ts"
import { type EntryShape, type Manifest, manifestChanges, manifestOf, showsEntry } from "./folder_manifest.ts"

export interface CopyPair {
  /** The container the copy is reached through. */
  readonly container: string
  readonly containerPath: string
  readonly hostDir: string
  /** The named volume holding the copy, when one does: it outlives its containers, and they share it. */
  readonly volume?: string
  /** Paths whose content never changes under the same name (see folder_manifest.ts). */
  readonly immutable?: (path: string) => boolean
}

/** Paths per `rm` call, well under any argv limit. */
const RM_BATCH = 200

const keyOf = (pair: CopyPair) => `${pair.volume ?? pair.container}\0${pair.containerPath}`

export class ContainerCopies extends Effect.Service<ContainerCopies>()("devvy/ContainerCopies", {
  effect: Effect.gen(function* () {
    const docker = yield* DockerEngine
    const manifests = yield* Ref.make(new Map<string, Manifest>())

    const look = (pair: CopyPair) =>
      Effect.try({
        try: () => manifestOf(pair.hostDir, pair.immutable),
        catch: (error) =>
          new FolderCopyFailed({
            direction: "into",
            container: pair.container,
            path: pair.containerPath,
            detail: error instanceof Error ? error.message : String(error),
          }),
      })

    /** The host folder and the container's copy are the same now. */
    const record = Effect.fn("Copies.record")(function* (pair: CopyPair) {
      const manifest = yield* look(pair)
      yield* Ref.update(manifests, (map) => new Map(map).set(keyOf(pair), manifest))
    })

    /** Makes the container's copy, known to be `before`, what the host folder is now (`after`). */
    const send = Effect.fnUntraced(function* (pair: CopyPair, before: Manifest, after: Manifest, owner: Owner) {
      const { changed, deleted } = manifestChanges(before, after)
      yield* Effect.annotateCurrentSpan({ "copy.changed": changed.length, "copy.deleted": deleted.length })
      if (changed.length > 0) {
        const prefix = relativeToRoot(pair.containerPath)
        yield* docker.putArchive(pair.container, "/", pathsTar(pair.hostDir, changed, { prefix, owner }))
      }
      for (let i = 0; i < deleted.length; i += RM_BATCH) {
        const paths = deleted.slice(i, i + RM_BATCH).map((path) => `${pair.containerPath}/${path}`)
        const { exitCode } = yield* docker.exec(pair.container, { cmd: ["rm", "-rf", "--", ...paths] })
        if (exitCode !== 0) {
          return yield* new FolderCopyFailed({
            direction: "into",
            container: pair.container,
            path: pair.containerPath,
            detail: `removing ${paths.length} deleted paths exited with ${exitCode}`,
          })
        }
      }
      yield* Ref.update(manifests, (map) => new Map(map).set(keyOf(pair), after))
      return changed.length + deleted.length
    })

    /**
     * Sends what changed on the host since the two were last the same: changed paths in one tar, deleted
     * ones removed in the container: how many paths, or none when nothing is known of this pair (see above).
     */
    const push = Effect.fn("Copies.push")(function* (pair: CopyPair, owner: Owner) {
      const before = (yield* Ref.get(manifests)).get(keyOf(pair))
      if (before === undefined) return Option.none<number>()
      return Option.some(yield* send(pair, before, yield* look(pair), owner))
    })

    /**
     * The container got `entries` (paths relative to the folder) from elsewhere than the host folder, from
     * the same source: those the host shows the same are known to be the same, and the rest the host holds
     * (what differs, and what is only here) is sent. Returns the paths the container holds that the host
     * does not, and then sends nothing and knows nothing of the pair: deleting them needs a started
     * container, which the caller may not have.
     */
    const seed = Effect.fn("Copies.seed")(function* (
      pair: CopyPair,
      entries: ReadonlyMap<string, EntryShape>,
      owner: Owner,
    ) {
      const host = yield* look(pair)
      const same = new Map<string, string>()
      const extra: Array<string> = []
      for (const [path, entry] of entries) {
        const sig = host.get(path)
        if (sig === undefined) extra.push(path)
        else if (showsEntry(sig, entry)) same.set(path, sig)
      }
      if (extra.length === 0) yield* send(pair, same, host, owner)
      return extra
    })

    const marked = yield* Ref.make(new Set<string>())
    const isMarked: Marks["isMarked"] = (container) => Ref.get(marked).pipe(Effect.map((set) => set.has(container)))
    const setMarked: Marks["setMarked"] = (container, mark) =>
      Ref.update(marked, (set) => {
        const next = new Set(set)
        if (mark) next.add(container)
        else next.delete(container)
        return next
      })

    /** What was known of a removed container's copies, or a removed volume's. */
    const forget = (holder: string) =>
      Ref.update(manifests, (map) => new Map([...map].filter(([key]) => !key.startsWith(`${holder}\0`)))).pipe(
        Effect.zipRight(setMarked(holder, false)),
      )

    return { record, seed, push, forget, isMarked, setMarked } as const
  }),
}) {}
