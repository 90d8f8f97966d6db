/**
 * What a host folder holds, as one signature per path, so that two looks at it tell what changed in
 * between without reading any content: type, size, mode, link target, inode and change times. A file
 * rewritten in place moves its mtime and ctime; a chmod moves its ctime; a file replaced by a rename has
 * another inode.
 */
import { join } from "node:path"

export type Manifest = ReadonlyMap<string, string>

const signature = (info: Deno.FileInfo, link: string): string => {
  const type = info.isDirectory ? "d" : info.isSymlink ? "l" : "f"
  // A folder's own times move whenever an entry is added or removed, which its entries already show.
  if (type === "d") return `d:${info.mode}`
  return [type, info.size, info.mode, info.ino, info.mtime?.getTime(), info.ctime?.getTime(), link].join(":")
}

/**
 * A file whose name says its content (a git object): touching it, as git does to an object it would
 * write again, changes nothing. Its size stays, in case something else took its name.
 */
const immutableSignature = (info: Deno.FileInfo): string => `f:${info.size}:${info.mode}`

/**
 * `immutable` names the paths whose content never changes under the same name.
 *
 * Synchronous on purpose: one look is thousands of lstat calls, and each asynchronous one costs a trip
 * through the event loop, 100 ms for a 2,000-file workspace against 13 ms this way.
 */
export const manifestOf = (root: string, immutable: (path: string) => boolean = () => false): Map<string, string> => {
  const manifest = new Map<string, string>()
  walkSync(root, "", (path, info) => {
    const link = info.isSymlink ? Deno.readLinkSync(join(root, path)) : ""
    manifest.set(path, immutable(path) && info.isFile ? immutableSignature(info) : signature(info, link))
  })
  return manifest
}

/** Every path under `dir` of `root` (relative to `root`, with `/`), folders before what they hold, never through a symlink. */
export const walkSync = (root: string, dir: string, visit: (path: string, info: Deno.FileInfo) => void): void => {
  for (const entry of Deno.readDirSync(join(root, dir))) {
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`
    const info = Deno.lstatSync(join(root, path))
    visit(path, info)
    if (info.isDirectory) walkSync(root, path, visit)
  }
}

/** What a path holds, as a tar entry says it: enough to tell whether a host path has the same. */
export interface EntryShape {
  readonly type: string
  readonly size: number
  readonly mode: number
  readonly linkTarget: string
}

/**
 * Whether a path's signature shows what the entry describes: the same type, mode and link target, and
 * for a file the same size (content itself is not read: the entry must come from the same source).
 */
export const showsEntry = (sig: string, entry: EntryShape): boolean => {
  const [type, size, mode] = sig.split(":")
  const permissions = Number(type === "d" ? size : mode) & 0o7777
  if (type === "d") return entry.type === "directory" && permissions === entry.mode
  if (type === "l") return entry.type === "symlink" && sig.split(":").slice(6).join(":") === entry.linkTarget
  return entry.type === "file" && Number(size) === entry.size && permissions === entry.mode
}

/** Paths new or different in `after`, and paths gone from it (a gone folder alone, not what it held). */
export const manifestChanges = (before: Manifest, after: Manifest) => {
  const changed = [...after].filter(([path, sig]) => before.get(path) !== sig).map(([path]) => path)
  const gone = new Set([...before.keys()].filter((path) => !after.has(path)))
  const underGone = (path: string) => {
    const parts = path.split("/")
    for (let i = 1; i < parts.length; i++) if (gone.has(parts.slice(0, i).join("/"))) return true
    return false
  }
  const deleted = [...gone].filter((path) => !underGone(path)).sort()
  return { changed, deleted }
}
