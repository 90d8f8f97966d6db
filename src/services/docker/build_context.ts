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

async function* walk(root: string, dockerfile: string): AsyncGenerator<Uint8Array> {
  const ignoreText = await Deno.readTextFile(join(root, ".dockerignore")).catch(() => "")
  // As docker/cli does: the Dockerfile and .dockerignore always reach the daemon, which needs them.
  const matcher = parseDockerignore(ignoreText, [dockerfile, ".dockerignore"])
  async function* visit(dir: string): AsyncGenerator<Uint8Array> {
    const entries: Array<Deno.DirEntry> = []
    for await (const entry of Deno.readDir(dir)) entries.push(entry)
    entries.sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
    for (const entry of entries) {
      const full = join(dir, entry.name)
      const path = relative(root, full)
      const ignored = matcher.ignores(path)
      const info = await Deno.lstat(full)
      if (info.isDirectory) {
        if (ignored && !matcher.hasExceptions) continue
        if (!ignored) yield* entryHeader({ path, type: "directory", mode: info.mode ?? 0o755, mtime: mtimeOf(info) })
        yield* visit(full)
      } else if (ignored) {
        continue
      } else if (info.isSymlink) {
        yield* entryHeader({ path, type: "symlink", linkTarget: await Deno.readLink(full), mtime: mtimeOf(info) })
      } else if (info.isFile) {
        yield* entryHeader({ path, type: "file", size: info.size, mode: info.mode ?? 0o644, mtime: mtimeOf(info) })
        using file = await Deno.open(full)
        const buffer = new Uint8Array(READ_SIZE)
        let left = info.size
        while (left > 0) {
          const n = await file.read(buffer)
          if (n === null) throw new Error(`${path} shrank while it was being sent`)
          const take = Math.min(n, left)
          yield buffer.slice(0, take)
          left -= take
        }
        yield padding(info.size)
      }
    }
  }
  yield* visit(root)
  yield endOfArchive()
}

/** The directory as a tar, read file by file as the daemon takes it. */
export const directoryContext = (root: string, dockerfile = "Dockerfile"): ReadableStream<Uint8Array> =>
  fromGenerator(walk(root, dockerfile))

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
