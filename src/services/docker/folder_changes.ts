/**
 * Bringing back only what changed in a container's copy of a folder (docker.workspace_mode = "copy").
 *
 * A mark in the container is set when its copy and the host folder are the same. Anything written,
 * created, deleted, renamed or chmod-ed in the folder after that moves a ctime past the mark (a deletion:
 * its folder's). One exec lists every path of the folder with its type and mode, flagged when its ctime
 * is past the mark, and moves the mark to when the listing began. Only the flagged paths are then
 * fetched, each on its own (a new folder once, with what it holds), and what the host has but the
 * listing does not is deleted: the host ends as a download of the whole folder would leave it.
 *
 * When that cannot be told, the caller brings the whole folder back: no mark, a `find` without GNU's
 * -cnewer and -printf (busybox), a stopped container, a name the exec's line output cannot carry.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as fs from "node:fs"
import { join } from "node:path"
import { type ApplyResult, deleteMissing } from "./apply_archive.ts"
import type { DockerEngineShape } from "./DockerEngine.ts"
import { FolderCopyFailed } from "./DockerError.ts"
import { applyEntries, type CopyTarget } from "./folder_copy.ts"
import { type ReadEntry, readTar } from "./tar_read.ts"

const copyMark = "/tmp/.devvy-copied"

/**
 * The containers this process has set the mark in (ContainerCopies keeps them, and forgets a removed
 * one). Each exec costs ~45 ms, so the mark is set again before a run only when something was sent
 * since; after a restart every container is marked once more.
 */
export interface Marks {
  readonly isMarked: (container: string) => Effect.Effect<boolean>
  readonly setMarked: (container: string, marked: boolean) => Effect.Effect<void>
}

/** The container's copy and the host folder are the same now. */
export const markCopied = (docker: DockerEngineShape, marks: Marks, container: string) =>
  docker.exec(container, { cmd: ["touch", copyMark] }).pipe(
    Effect.flatMap(({ exitCode }) => exitCode === 0 ? marks.setMarked(container, true) : Effect.void),
    Effect.ignore,
  )

/** markCopied, unless nothing was sent into the container since this process last set its mark. */
export const markIfSent = (docker: DockerEngineShape, marks: Marks, container: string, sent: boolean) =>
  Effect.flatMap(
    marks.isMarked(container),
    (marked) => sent || !marked ? markCopied(docker, marks, container) : Effect.void,
  )

/** After a failed copy-out: the listing moved the mark past changes the host does not have. */
export const unmark = (docker: DockerEngineShape, marks: Marks, container: string) =>
  marks.setMarked(container, false).pipe(
    Effect.zipRight(docker.exec(container, { cmd: ["rm", "-f", copyMark] })),
    Effect.ignore,
  )

export interface Changed {
  /** Relative, with `/`; "" for the folder itself. */
  readonly path: string
  /** As find's %y: `f`, `d`, `l`, … */
  readonly type: string
  readonly mode: number
}

export type Listing =
  | { readonly _tag: "Listed"; readonly changed: ReadonlyArray<Changed>; readonly present: ReadonlySet<string> }
  | { readonly _tag: "Unknown"; readonly reason: string }

export const unknown = (reason: string): Listing => ({ _tag: "Unknown", reason })

/**
 * No mark: one is set and 3 tells to bring everything back. The new mark is set before the listing, so
 * that a change made while it runs is listed again next time rather than missed.
 */
const script = `m=$1; shift
[ -e "$m" ] || { touch "$m" && exit 3; exit 4; }
touch "$m.next" && find "$@" && mv "$m.next" "$m"`

/**
 * One record per path, each ending in NUL and newline: the exec hands its output over as lines, so a
 * name with a newline spans lines and is joined again. A carriage return before a newline is lost in
 * lines, so a name holding one stops the listing (`!`).
 */
const findArgs = (root: string, keep: ReadonlyArray<string>) => [
  root,
  ...keep.flatMap((k) => ["-path", `${root}/${k}`, "-prune", "-o"]),
  ...["-name", "*\r*", "-printf", "!\\0\\n", "-quit", "-o"],
  ...["-cnewer", copyMark, "-printf", "c%y %m %P\\0\\n", "-o", "-printf", "u%y %m %P\\0\\n"],
]

const RECORD = /^([cu])(.) ([0-7]+) (.*)$/s

export const parseListing = (lines: ReadonlyArray<string>): Listing => {
  const text = lines.map((line) => `${line}\n`).join("")
  if (text.includes("\uFFFD")) return unknown("a name is not UTF-8")
  const records = text.split("\0\n")
  if (records.pop() !== "") return unknown("the listing was cut short")
  const changed: Array<Changed> = []
  const present = new Set<string>()
  for (const record of records) {
    if (record === "!") return unknown("a name holds a carriage return")
    const fields = RECORD.exec(record)
    if (fields === null) return unknown(`an unreadable listing line: ${JSON.stringify(record.slice(0, 80))}`)
    const [, flag, type, mode, path] = fields
    if (path !== "") present.add(path)
    if (flag === "c") changed.push({ path, type, mode: parseInt(mode, 8) })
  }
  return { _tag: "Listed", changed, present }
}

/** What changed in the container's folder since the mark (see above); the mark moves to now. */
export const listChanges = Effect.fn("Docker.listChanges")(function* (
  docker: DockerEngineShape,
  marks: Marks,
  target: CopyTarget & { readonly keep: ReadonlyArray<string> },
) {
  const out: Array<string> = []
  let error = ""
  const run = yield* docker.exec(target.container, {
    cmd: ["sh", "-c", script, "sh", copyMark, ...findArgs(target.containerPath, target.keep)],
    onLine: (stream, line) => Effect.sync(() => stream === "stdout" ? void out.push(line) : void (error = line)),
  }).pipe(Effect.either)
  if (run._tag === "Left") {
    yield* marks.setMarked(target.container, false)
    return unknown(run.left.message)
  }
  const { exitCode } = run.right
  if (exitCode === 0 || exitCode === 3) yield* marks.setMarked(target.container, true)
  if (exitCode === 3) return unknown("the container has no mark")
  if (exitCode !== 0) return unknown(`the listing exited with ${exitCode}: ${error}`)
  const listing = parseListing(out)
  yield* Effect.annotateCurrentSpan({
    "copy.changed": listing._tag === "Listed" ? listing.changed.length : -1,
  })
  return listing
})

/** Past this many fetches one download of the whole folder is cheaper. */
const MAX_FETCHES = 64
const FETCHES_AT_ONCE = 3

const parentOf = (path: string) => path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ""

const lstatOrNull = (path: string) => {
  try {
    return fs.lstatSync(path)
  } catch {
    return null
  }
}

/** The paths to fetch, and the folders both sides have whose mode alone is to be set; none past the limit. */
const planFetches = (hostDir: string, listing: Extract<Listing, { _tag: "Listed" }>, keep: ReadonlyArray<string>) => {
  const fetches: Array<string> = []
  const newDirs = new Set<string>()
  const modes: Array<Changed> = []
  const skipped = (path: string) => {
    const parts = path.split("/")
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join("/")
      if (keep.includes(prefix) || (i < parts.length && newDirs.has(prefix))) return true
    }
    return false
  }
  // find lists a folder before what it holds, so a new folder is met before its content.
  for (const entry of listing.changed) {
    if (entry.path === "" || skipped(entry.path)) continue
    if (entry.type === "d") {
      const host = lstatOrNull(join(hostDir, entry.path))
      if (host?.isDirectory() === true) {
        if ((host.mode & 0o7777) !== entry.mode) modes.push(entry)
        continue
      }
      newDirs.add(entry.path)
    }
    fetches.push(entry.path)
    if (fetches.length > MAX_FETCHES) return Option.none()
  }
  return Option.some({ fetches, modes })
}

async function* folderEntries(folders: ReadonlyArray<Changed>): AsyncGenerator<ReadEntry> {
  for (const { path, mode } of folders) {
    yield { path, type: "directory", mode, mtime: 0, linkTarget: "", content: new Uint8Array(0) }
  }
}

/**
 * Makes the host folder what the container's is, from a listing: the changed paths fetched a few at a
 * time and applied as the whole folder's download would apply them (never through a symlink, modes and
 * links kept, `keep` left alone), then the deletions. None when there is too much to fetch.
 */
export const copyChangesOut = Effect.fn("Docker.copyChangesOut")(function* (
  docker: DockerEngineShape,
  target: CopyTarget & { readonly keep: ReadonlyArray<string> },
  listing: Extract<Listing, { _tag: "Listed" }>,
) {
  const plan = planFetches(target.hostDir, listing, target.keep)
  if (Option.isNone(plan)) return Option.none<ApplyResult>()
  const { fetches, modes } = plan.value
  const applied = yield* Effect.forEach(
    fetches,
    (path) =>
      docker.getArchive(target.container, `${target.containerPath}/${path}`).pipe(
        // A path asked for alone comes named by its base name, and is one of many: nothing else is deleted.
        Effect.flatMap((tar) =>
          applyEntries(readTar(tar), target, {
            under: parentOf(path),
            keep: target.keep,
            deleteMissing: false,
          })
        ),
        Effect.scoped,
      ),
    { concurrency: FETCHES_AT_ONCE },
  )
  // Through the same apply, so that a folder's mode is never set through a symlink.
  const folders = yield* applyEntries(folderEntries(modes), target, { keep: target.keep, deleteMissing: false })
  const deleted = yield* Effect.tryPromise({
    try: () => deleteMissing(target.hostDir, listing.present, target.keep),
    catch: (error) =>
      new FolderCopyFailed({
        direction: "out of",
        container: target.container,
        path: target.containerPath,
        detail: error instanceof Error ? error.message : String(error),
      }),
  })
  const result: ApplyResult = {
    written: applied.reduce((n, r) => n + r.written, folders.written),
    deleted,
    unchanged: applied.reduce((n, r) => n + r.unchanged, 0),
  }
  yield* Effect.annotateCurrentSpan({ "copy.fetched": fetches.length, ...result })
  return Option.some(result)
})
