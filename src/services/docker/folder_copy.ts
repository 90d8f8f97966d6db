/**
 * A host folder copied into a container and back through the engine's archive endpoints, for engines
 * that cannot see this host's files (docker.workspace_mode = "copy").
 */
import * as Effect from "effect/Effect"
import { applyArchive, type ApplyOptions, type ApplyResult } from "./apply_archive.ts"
import { directoryTar } from "./build_context.ts"
import type { DockerEngineShape } from "./DockerEngine.ts"
import {
  DockerApiError,
  EngineTlsInvalid,
  EngineUnreachable,
  EngineUnsupported,
  FolderCopyFailed,
} from "./DockerError.ts"
import { endOfArchive, entryHeader, padding } from "./tar.ts"
import { type ReadEntry, readTar } from "./tar_read.ts"

export interface Owner {
  readonly uid: number
  readonly gid: number
}

/** A file to put at an absolute path in a container. */
export interface FileCopy {
  readonly container: string
  readonly content: Uint8Array
  readonly mode: number
}

const describe = (error: unknown) => error instanceof Error ? error.message : String(error)

/** `/a/b` → `a/b`: the tar is unpacked at `/`, so that the folder itself is created with its owner. */
export const relativeToRoot = (containerPath: string) => containerPath.replace(/^\/+/, "").replace(/\/+$/, "")

/**
 * Puts `hostDir` at `containerPath` (its parents are created, owned by root), every entry owned by
 * `owner`. Works before the container starts.
 */
export const copyFolderIn = Effect.fn("Docker.copyFolderIn")(function* (
  docker: DockerEngineShape,
  options: {
    readonly container: string
    readonly hostDir: string
    readonly containerPath: string
    readonly owner: Owner
  },
) {
  const prefix = relativeToRoot(options.containerPath)
  yield* docker.putArchive(options.container, "/", directoryTar(options.hostDir, { prefix, owner: options.owner }))
})

/** Puts single files into a container, owned by `owner`; missing parent folders are made, owned by root. */
export const copyFilesIn = Effect.fn("Docker.copyFilesIn")(function* (
  docker: DockerEngineShape,
  container: string,
  files: ReadonlyArray<FileCopy>,
  owner: Owner,
) {
  if (files.length === 0) return
  const chunks = files.flatMap((file) => {
    const path = relativeToRoot(file.container)
    return [
      ...entryHeader({ path, type: "file", size: file.content.length, mode: file.mode, ...owner }),
      file.content,
      padding(file.content.length),
    ]
  })
  yield* docker.putArchive(container, "/", ReadableStream.from([...chunks, endOfArchive()]))
})

/** Where a folder copied out is, on both sides. */
export interface CopyTarget {
  readonly container: string
  readonly containerPath: string
  readonly hostDir: string
}

/**
 * Applies entries of a tar the engine answered for `containerPath` (all of it, or a path in it) to
 * `hostDir` (see apply_archive.ts); the engine's own errors come through the tar's stream as they are.
 */
export const applyEntries = (entries: AsyncIterable<ReadEntry>, target: CopyTarget, options: ApplyOptions) =>
  Effect.tryPromise({
    try: () => applyArchive(target.hostDir, entries, options),
    catch: (error) =>
      error instanceof DockerApiError || error instanceof EngineUnreachable || error instanceof EngineUnsupported ||
        error instanceof EngineTlsInvalid
        ? error
        : new FolderCopyFailed({
          direction: "out of",
          container: target.container,
          path: target.containerPath,
          detail: describe(error),
        }),
  })

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
  const tar = yield* docker.getArchive(options.container, options.containerPath)
  const result: ApplyResult = yield* applyEntries(readTar(tar), options, { strip: 1, keep: options.keep ?? [] })
  yield* Effect.annotateCurrentSpan({ "copy.written": result.written, "copy.deleted": result.deleted })
  return result
}, Effect.scoped)
