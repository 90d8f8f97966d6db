/**
 * A host folder copied into a container and back through the engine's archive endpoints, for engines
 * that cannot see this host's files (docker.workspace_mode = "copy").
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as path from "node:path"
import { applyArchive, type ApplyOptions, type ApplyResult } from "./apply_archive.ts"
import { directoryTar } from "./build_context.ts"
import type { DockerEngineShape } from "./DockerEngine.ts"
import { DockerApiError, EngineUnreachable, EngineUnsupported, FolderCopyFailed } from "./DockerError.ts"
import { endOfArchive, entryHeader, padding } from "./tar.ts"
import { readTar } from "./tar_read.ts"

export interface Owner {
  readonly uid: number
  readonly gid: number
}

/** Extra files put into the folder's copy: path inside the folder → content and mode. */
export type ExtraFiles = Readonly<Record<string, { readonly content: Uint8Array; readonly mode: number }>>

const describe = (error: unknown) => error instanceof Error ? error.message : String(error)

/** `/a/b` → `a/b`: the tar is unpacked at `/`, so that the folder itself is created with its owner. */
const relativeToRoot = (containerPath: string) => containerPath.replace(/^\/+/, "").replace(/\/+$/, "")

/**
 * Puts `hostDir` at `containerPath` (its parents are created, owned by root), every entry owned by
 * `owner`; `extra` files are added (and their folders made) after it. Works before the container starts.
 */
export const copyFolderIn = Effect.fn("Docker.copyFolderIn")(function* (
  docker: DockerEngineShape,
  options: {
    readonly container: string
    readonly hostDir: string
    readonly containerPath: string
    readonly owner: Owner
    readonly extra?: ExtraFiles
  },
) {
  const prefix = relativeToRoot(options.containerPath)
  yield* docker.putArchive(options.container, "/", directoryTar(options.hostDir, { prefix, owner: options.owner }))
  const extra = Object.entries(options.extra ?? {})
  if (extra.length > 0) yield* docker.putArchive(options.container, "/", extraTar(prefix, extra, options.owner))
})

const extraTar = (prefix: string, files: ReadonlyArray<readonly [string, ExtraFiles[string]]>, owner: Owner) => {
  const dirs = new Set<string>()
  const chunks: Array<Uint8Array> = []
  for (const [file, { content, mode }] of files) {
    const parts = path.posix.join(prefix, file).split("/")
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join("/")
      if (dirs.has(dir) || i <= prefix.split("/").length) continue
      dirs.add(dir)
      chunks.push(...entryHeader({ path: dir, type: "directory", mode: 0o700, ...owner }))
    }
    chunks.push(
      ...entryHeader({ path: parts.join("/"), type: "file", size: content.length, mode, ...owner }),
      content,
      padding(content.length),
    )
  }
  return ReadableStream.from([...chunks, endOfArchive()])
}

/**
 * Makes `hostDir` what `containerPath` holds in the container (see apply_archive.ts): changed files
 * written, deleted ones deleted, modes and symlinks kept; `keep` paths are left alone on the host.
 */
export const copyFolderOut = Effect.fn("Docker.copyFolderOut")(function* (
  docker: DockerEngineShape,
  options: {
    readonly container: string
    readonly containerPath: string
    readonly hostDir: string
    readonly keep?: ApplyOptions["keep"]
  },
) {
  const tar = yield* Stream.toReadableStreamEffect(docker.getArchive(options.container, options.containerPath))
  const result: ApplyResult = yield* Effect.tryPromise({
    try: () => applyArchive(options.hostDir, readTar(tar), { strip: 1, keep: options.keep ?? [] }),
    catch: (error) =>
      // The engine's own errors come through the stream as they are.
      error instanceof DockerApiError || error instanceof EngineUnreachable || error instanceof EngineUnsupported
        ? error
        : new FolderCopyFailed({
          direction: "out of",
          container: options.container,
          path: options.containerPath,
          detail: describe(error),
        }),
  })
  yield* Effect.annotateCurrentSpan({ "copy.written": result.written, "copy.deleted": result.deleted })
  return result
})
