/** Image calls: inspect, build from a tar context, import a root filesystem, remove. */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { Api } from "./api.ts"
import { directoryContext, inlineContext } from "./build_context.ts"
import type { BuildOptions, ImageInfo } from "./DockerEngine.ts"
import { BuildFailed, DockerApiError } from "./DockerError.ts"

const ImageInspect = Schema.Struct({
  Id: Schema.String,
  RepoTags: Schema.optionalWith(Schema.NullOr(Schema.Array(Schema.String)), { default: () => null }),
  Config: Schema.optionalWith(
    Schema.NullOr(Schema.Struct({
      Labels: Schema.optionalWith(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.String })), {
        default: () => null,
      }),
    })),
    { default: () => null },
  ),
})

/** One line of the build (or import) progress stream. */
const ProgressMessage = Schema.parseJson(Schema.Struct({
  stream: Schema.optional(Schema.String),
  status: Schema.optional(Schema.String),
  error: Schema.optional(Schema.String),
  errorDetail: Schema.optional(Schema.Struct({ message: Schema.optional(Schema.String) })),
  aux: Schema.optional(Schema.Unknown),
}))
const decodeProgress = Schema.decodeUnknownOption(ProgressMessage)
const decodeAuxId = Schema.decodeUnknownOption(Schema.Struct({ ID: Schema.String }))

/** How much of the failing step's output a BuildFailed keeps. */
const OUTPUT_LINES = 40

/** Folds the progress stream: text split into lines, the current step and its output, the id, the error. */
class BuildProgress {
  partial = ""
  step: string | undefined = undefined
  output: Array<string> = []
  imageId: string | undefined = undefined
  error: string | undefined = undefined

  /** The complete lines this message finishes. */
  take(raw: string): Array<string> {
    const message = decodeProgress(raw)
    if (Option.isNone(message)) return raw.trim() === "" ? [] : [raw.trim()]
    const { stream, status, error, errorDetail, aux } = message.value
    const id = Option.getOrUndefined(decodeAuxId(aux))
    if (id !== undefined) this.imageId = id.ID
    if (error !== undefined || errorDetail?.message !== undefined) this.error = errorDetail?.message ?? error
    const text = this.partial + (stream ?? (status === undefined ? "" : `${status}\n`))
    const parts = text.split("\n")
    this.partial = parts.pop() ?? ""
    const lines = parts.map((line) => line.trimEnd()).filter((line) => line !== "")
    for (const line of lines) {
      if (/^Step \d+\/\d+ : /.test(line)) {
        this.step = line
        this.output = []
      } else if (!line.startsWith(" ---> ")) {
        this.output.push(line)
        if (this.output.length > OUTPUT_LINES) this.output.shift()
      }
    }
    return lines
  }
}

export const makeImages = (api: Api) => {
  const path = (image: string) => `/images/${image}`

  const inspect = (image: string) =>
    api.json({ method: "GET", path: `${path(image)}/json`, subject: { image } }, ImageInspect).pipe(
      Effect.map((i): ImageInfo => ({ id: i.Id, repoTags: i.RepoTags ?? [], labels: i.Config?.Labels ?? {} })),
      Effect.catchTags({ ContainerNotFound: (e) => Effect.die(e), DockerConflict: (e) => Effect.die(e) }),
    )

  const exists = (image: string) =>
    inspect(image).pipe(Effect.as(true), Effect.catchTag("ImageNotFound", () => Effect.succeed(false)))

  /** Sends a tar, reads the JSON progress to its end, and reports what it said. */
  const streamProgress = (
    request: Parameters<Api["send"]>[0],
    onLine: (line: string) => Effect.Effect<void>,
  ) =>
    Effect.gen(function* () {
      const progress = new BuildProgress()
      const response = yield* api.send(request)
      yield* response.stream.pipe(
        Stream.decodeText(),
        Stream.splitLines,
        Stream.runForEach((raw) => Effect.forEach(progress.take(raw), onLine, { discard: true })),
        Effect.mapError((e) =>
          new DockerApiError({ method: request.method, path: request.path, status: 200, detail: e.message })
        ),
      )
      return progress
    })

  const build = (options: BuildOptions) =>
    Effect.gen(function* () {
      const context = "directory" in options.context
        ? {
          stream: directoryContext(options.context.directory, options.context.dockerfile, options.context.exclude),
          dockerfile: options.context.dockerfile ?? "Dockerfile",
        }
        : inlineContext(options.context.dockerfileText, options.context.files)
      const progress = yield* streamProgress({
        method: "POST",
        path: "/build",
        idempotent: false,
        query: {
          t: options.tag,
          dockerfile: context.dockerfile,
          rm: "1",
          forcerm: "1",
          pull: options.pull === true ? "1" : "0",
          nocache: options.noCache === true ? "1" : undefined,
          buildargs: options.buildArgs === undefined ? undefined : JSON.stringify(options.buildArgs),
          labels: options.labels === undefined ? undefined : JSON.stringify(options.labels),
        },
        body: { stream: context.stream, contentType: "application/x-tar" },
      }, options.onProgress ?? (() => Effect.void))
      if (progress.error !== undefined || progress.imageId === undefined) {
        return yield* new BuildFailed({
          image: options.tag,
          ...(progress.step === undefined ? {} : { step: progress.step }),
          output: progress.output.join("\n"),
          detail: progress.error ?? "the engine ended the build without an image id",
        })
      }
      return progress.imageId
    }).pipe(
      Effect.catchTags({
        ImageNotFound: (e) => Effect.die(e),
        ContainerNotFound: (e) => Effect.die(e),
        DockerConflict: (e) => Effect.die(e),
      }),
    )

  const importImage = (
    options: { readonly repo: string; readonly tag: string; readonly tar: ReadableStream<Uint8Array> },
  ) =>
    Effect.gen(function* () {
      const request = {
        method: "POST",
        path: "/images/create",
        idempotent: false,
        query: { fromSrc: "-", repo: options.repo, tag: options.tag },
        body: { stream: options.tar, contentType: "application/x-tar" },
      } as const
      const progress = yield* streamProgress(request, () => Effect.void)
      if (progress.error !== undefined) {
        return yield* new DockerApiError({ method: "POST", path: request.path, status: 200, detail: progress.error })
      }
    }).pipe(
      Effect.catchTags({
        ImageNotFound: (e) => Effect.die(e),
        ContainerNotFound: (e) => Effect.die(e),
        DockerConflict: (e) => Effect.die(e),
      }),
    )

  const remove = (image: string, options?: { readonly force?: boolean; readonly prune?: boolean }) =>
    api.call({
      method: "DELETE",
      path: path(image),
      query: { force: options?.force === false ? undefined : "1", noprune: options?.prune === false ? "1" : undefined },
      subject: { image },
    }).pipe(
      Effect.catchTags({
        ImageNotFound: () => Effect.void,
        ContainerNotFound: (e) => Effect.die(e),
        DockerConflict: (e) =>
          Effect.fail(new DockerApiError({ method: "DELETE", path: path(image), status: 409, detail: e.detail })),
      }),
    )

  return { inspect, exists, build, importImage, remove } as const
}
