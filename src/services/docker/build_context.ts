/** A build context as a tar stream: a directory walked lazily (`.dockerignore` applied), or files in memory. */
import { join, relative } from "node:path"
import { parseDockerignore } from "./dockerignore.ts"
import { endOfArchive, entryHeader, fileEntry, padding } from "./tar.ts"

const READ_SIZE = 256 * 1024

const fromGenerator = (chunks: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> =>
  new ReadableStream({
    async pull(controller) {
      const next = await chunks.next()
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel() {
      await chunks.return(undefined)
    },
  })

const mtimeOf = (info: Deno.FileInfo): number => Math.floor((info.mtime?.getTime() ?? 0) / 1000)

/** How a directory becomes a tar: what is left out, where its entries go, and whose they are. */
export interface DirectoryTarOptions {
  /** Relative paths (with `/`) to leave out; `exceptions`: an ignored directory may still hold kept files. */
  readonly ignore?: { readonly ignores: (path: string) => boolean; readonly hasExceptions: boolean }
  /** Put before every entry's path, with an entry of its own for the folder (`workspace`). */
  readonly prefix?: string
  /** Written as every entry's uid and gid, instead of 0: who owns the files where they are unpacked. */
  readonly owner?: { readonly uid: number; readonly gid: number }
}

/** A file (header, content, padding) or a symlink; anything else (sockets, devices) is left out. */
async function* leafEntry(
  full: string,
  info: Deno.FileInfo,
  common: { readonly path: string; readonly mtime: number; readonly uid: number; readonly gid: number },
): AsyncGenerator<Uint8Array> {
  if (info.isSymlink) {
    yield* entryHeader({ ...common, type: "symlink", linkTarget: await Deno.readLink(full) })
  } else if (info.isFile) {
    yield* entryHeader({ ...common, type: "file", size: info.size, mode: info.mode ?? 0o644 })
    using file = await Deno.open(full)
    const buffer = new Uint8Array(READ_SIZE)
    let left = info.size
    while (left > 0) {
      const n = await file.read(buffer)
      if (n === null) throw new Error(`${common.path} shrank while it was being sent`)
      const take = Math.min(n, left)
      yield buffer.slice(0, take)
      left -= take
    }
    yield padding(info.size)
  }
}

async function* walk(root: string, options: DirectoryTarOptions): AsyncGenerator<Uint8Array> {
  const matcher = options.ignore ?? { ignores: () => false, hasExceptions: false }
  const owner = options.owner ?? { uid: 0, gid: 0 }
  const under = (path: string) => options.prefix === undefined ? path : `${options.prefix}/${path}`
  async function* visit(dir: string): AsyncGenerator<Uint8Array> {
    const entries: Array<Deno.DirEntry> = []
    for await (const entry of Deno.readDir(dir)) entries.push(entry)
    entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    for (const entry of entries) {
      const full = join(dir, entry.name)
      const path = relative(root, full)
      const ignored = matcher.ignores(path)
      const info = await Deno.lstat(full)
      const common = { path: under(path), mtime: mtimeOf(info), ...owner }
      if (info.isDirectory) {
        if (ignored && !matcher.hasExceptions) continue
        if (!ignored) yield* entryHeader({ ...common, type: "directory", mode: info.mode ?? 0o755 })
        yield* visit(full)
      } else if (ignored) {
        continue
      } else {
        yield* leafEntry(full, info, common)
      }
    }
  }
  if (options.prefix !== undefined) {
    const info = await Deno.stat(root)
    yield* entryHeader({
      path: options.prefix,
      type: "directory",
      mode: info.mode ?? 0o755,
      mtime: mtimeOf(info),
      ...owner,
    })
  }
  yield* visit(root)
  yield endOfArchive()
}

async function* buildContext(root: string, dockerfile: string, exclude: ReadonlyArray<string>) {
  const ignoreText = await Deno.readTextFile(join(root, ".dockerignore")).catch(() => "")
  // As docker/cli does: the Dockerfile and .dockerignore always reach the daemon, which needs them.
  const matcher = parseDockerignore(ignoreText, [dockerfile, ".dockerignore"])
  const ignore = exclude.length === 0 ? matcher : {
    ignores: (path: string) => exclude.includes(path) || matcher.ignores(path),
    hasExceptions: matcher.hasExceptions,
  }
  yield* walk(root, { ignore })
}

async function* some(root: string, paths: ReadonlyArray<string>, options: PathsTarOptions) {
  const owner = options.owner ?? { uid: 0, gid: 0 }
  for (const path of [...paths].sort()) {
    const full = join(root, path)
    const info = await Deno.lstat(full)
    const common = {
      path: options.prefix === undefined ? path : `${options.prefix}/${path}`,
      mtime: mtimeOf(info),
      ...owner,
    }
    if (info.isDirectory) yield* entryHeader({ ...common, type: "directory", mode: info.mode ?? 0o755 })
    else yield* leafEntry(full, info, common)
  }
  if (options.end !== false) yield endOfArchive()
}

export interface PathsTarOptions extends Omit<DirectoryTarOptions, "ignore"> {
  /** False: no end-of-archive blocks, for a tar that goes on after these entries. */
  readonly end?: boolean
}

/** Only the given paths of a directory (a folder's own entry, not what it holds), parents before children. */
export const pathsTar = (
  root: string,
  paths: ReadonlyArray<string>,
  options: PathsTarOptions = {},
): ReadableStream<Uint8Array> => fromGenerator(some(root, paths, options))

/** A directory as a tar, read file by file as the engine takes it (uploads into a container). */
export const directoryTar = (root: string, options: DirectoryTarOptions = {}): ReadableStream<Uint8Array> =>
  fromGenerator(walk(root, options))

/**
 * The directory as a build context, read file by file as the daemon takes it; `exclude` names paths that
 * never reach the daemon whatever `.dockerignore` says (the workspace's `.env`).
 */
export const directoryContext = (
  root: string,
  dockerfile = "Dockerfile",
  exclude: ReadonlyArray<string> = [],
): ReadableStream<Uint8Array> => fromGenerator(buildContext(root, dockerfile, exclude))

/** A Dockerfile's text and extra files as a tar, held in memory (they are small by nature). */
export const inlineContext = (
  dockerfileText: string,
  files: Readonly<Record<string, string | Uint8Array>> = {},
): { readonly stream: ReadableStream<Uint8Array>; readonly dockerfile: string } => {
  const encoder = new TextEncoder()
  const bytes = (value: string | Uint8Array) => typeof value === "string" ? encoder.encode(value) : value
  const dockerfile = "Dockerfile" in files ? ".dockerfile.devvy" : "Dockerfile"
  const chunks = [
    ...fileEntry(dockerfile, bytes(dockerfileText)),
    ...Object.entries(files).flatMap(([path, content]) => fileEntry(path, bytes(content))),
    endOfArchive(),
  ]
  return { stream: ReadableStream.from(chunks), dockerfile }
}
