/**
 * Makes a host folder what a tar of the container's copy says it is: what the agent wrote, changed,
 * chmod-ed, linked or deleted in the container arrives on the host, and nothing else is touched.
 *
 * - Unchanged files are not rewritten: a file of the same size is compared by content. An equal mtime
 *   proves nothing: the tar carries it in whole seconds, and the agent may rewrite a file within the
 *   second it was last copied. A rewritten file takes the tar's mtime.
 * - Paths the tar does not hold are deleted from the host, except those `keep` protects.
 * - Never through a symlink: an entry's parent folders are checked to be real folders on the host, and
 *   a symlink in the way of a file or folder is replaced, not followed, so a link the agent made cannot
 *   point a write outside the folder.
 */
import { join } from "node:path"
import type { ReadEntry } from "./tar_read.ts"

export interface ApplyOptions {
  /**
   * Paths (relative, with `/`) that are left alone on both sides: never written from the tar, never
   * deleted. A folder's path covers everything under it.
   */
  readonly keep?: ReadonlyArray<string>
  /** Leading path components to drop from every entry: 1 for `workspace/…` when `/workspace` was asked for. */
  readonly strip?: number
  /**
   * The folder (relative, with `/`) the entries go in: a path inside the container's folder asked for on
   * its own comes as a tar named by its base name (`f.txt` for `/workspace/src/f.txt`), so `src`.
   */
  readonly under?: string
  /** False when the tar holds only some paths of the folder: nothing it does not hold is deleted then. */
  readonly deleteMissing?: boolean
}

export interface ApplyResult {
  readonly written: number
  readonly deleted: number
  readonly unchanged: number
}

const lstatOrNull = async (path: string): Promise<Deno.FileInfo | null> => {
  try {
    return await Deno.lstat(path)
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null
    throw error
  }
}

const sameBytes = async (path: string, content: Uint8Array): Promise<boolean> => {
  const current = await Deno.readFile(path)
  if (current.length !== content.length) return false
  for (let i = 0; i < current.length; i++) if (current[i] !== content[i]) return false
  return true
}

const safeRelative = (path: string): boolean =>
  path !== "" && !path.startsWith("/") && !path.split("/").some((part) => part === ".." || part === "." || part === "")

export const applyArchive = async (
  root: string,
  entries: AsyncIterable<ReadEntry>,
  options: ApplyOptions = {},
): Promise<ApplyResult> => {
  const kept = keptBy(options.keep ?? [])
  const place = (path: string) => {
    const stripped = path.split("/").slice(options.strip ?? 0).join("/")
    return options.under === undefined || options.under === "" || stripped === ""
      ? stripped
      : `${options.under}/${stripped}`
  }
  const seen = new Set<string>()
  const realDirs = new Set<string>([""])
  let changed = 0
  let unchanged = 0

  /** Makes `path` a real folder, replacing a file or a symlink that is in the way. */
  const ensureDir = async (path: string, mode?: number) => {
    const full = join(root, path)
    const info = await lstatOrNull(full)
    if (info !== null && !info.isDirectory) await Deno.remove(full)
    const fresh = info === null || !info.isDirectory
    if (fresh) {
      await Deno.mkdir(full)
      changed++
    }
    if (mode !== undefined && (fresh || ((info.mode ?? 0) & 0o7777) !== mode)) await Deno.chmod(full, mode)
    realDirs.add(path)
  }

  const ensureParents = async (path: string) => {
    const parts = path.split("/").slice(0, -1)
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join("/")
      seen.add(dir)
      if (!realDirs.has(dir)) await ensureDir(dir)
    }
  }

  const writeFile = async (path: string, entry: ReadEntry, content: Uint8Array) => {
    const full = join(root, path)
    const info = await lstatOrNull(full)
    if (info !== null && !info.isFile) await Deno.remove(full, { recursive: true })
    const current = info?.isFile === true ? info : null
    const same = current !== null && current.size === content.length && await sameBytes(full, content)
    if (same) {
      if (((current.mode ?? 0) & 0o7777) !== entry.mode) await Deno.chmod(full, entry.mode)
      unchanged++
      return
    }
    await Deno.writeFile(full, content, { mode: entry.mode })
    // writeFile's mode applies to new files only, and through the umask.
    await Deno.chmod(full, entry.mode)
    await Deno.utime(full, entry.mtime, entry.mtime)
    changed++
  }

  for await (const entry of entries) {
    const path = place(entry.path)
    if (path === "" || kept(path)) continue
    if (!safeRelative(path)) throw new Error(`the archive holds a path outside its folder: ${entry.path}`)
    seen.add(path)
    await ensureParents(path)
    if (entry.type === "directory") {
      await ensureDir(path, entry.mode)
    } else if (entry.type === "symlink") {
      const full = join(root, path)
      const info = await lstatOrNull(full)
      if (info?.isSymlink === true && (await Deno.readLink(full)) === entry.linkTarget) {
        unchanged++
        continue
      }
      if (info !== null) await Deno.remove(full, { recursive: true })
      await Deno.symlink(entry.linkTarget, full)
      changed++
    } else if (entry.type === "hardlink") {
      const target = place(entry.linkTarget)
      if (!seen.has(target) || !safeRelative(target)) {
        throw new Error(`the archive links ${entry.path} to ${entry.linkTarget}, which it does not hold before`)
      }
      // The target was written from this archive already: its content on the host is the link's.
      await writeFile(path, entry, await Deno.readFile(join(root, target)))
    } else {
      await writeFile(path, entry, entry.content)
    }
  }

  const deleted = options.deleteMissing === false ? 0 : await deleteUnseen(root, "", seen, kept)
  return { written: changed, deleted, unchanged }
}

const keptBy = (keep: ReadonlyArray<string>) => (path: string) =>
  keep.some((k) => path === k || path.startsWith(`${k}/`))

/**
 * Removes from the host folder what `present` (relative paths, with `/`) does not hold, `keep` aside; a
 * folder that is gone goes with everything in it. The number of topmost paths removed.
 */
export const deleteMissing = (root: string, present: ReadonlySet<string>, keep: ReadonlyArray<string>) =>
  deleteUnseen(root, "", present, keptBy(keep))

/** Removes what is on the host but not in the archive; a folder that is gone goes with everything in it. */
const deleteUnseen = async (
  root: string,
  dir: string,
  seen: ReadonlySet<string>,
  kept: (path: string) => boolean,
): Promise<number> => {
  let deleted = 0
  for await (const entry of Deno.readDir(join(root, dir))) {
    const path = dir === "" ? entry.name : `${dir}/${entry.name}`
    if (kept(path)) continue
    if (!seen.has(path)) {
      await Deno.remove(join(root, path), { recursive: true })
      deleted++
    } else if (entry.isDirectory) {
      deleted += await deleteUnseen(root, path, seen, kept)
    }
  }
  return deleted
}
