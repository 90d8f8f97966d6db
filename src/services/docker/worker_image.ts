/**
 * The worker image, built from the repository's worker.dockerfile. A text import puts the file in the
 * module graph, so `deno run` reads it from the source tree and `deno compile` embeds it.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import workerDockerfile from "../../../worker.dockerfile" with { type: "text" }
import { DockerEngine } from "./DockerEngine.ts"
import { BuildFailed } from "./DockerError.ts"

export { workerDockerfile }

export interface WorkerImageOptions {
  /** A PEM bundle the image should trust besides Debian's (a TLS-intercepting proxy's CA). */
  readonly caBundle?: Option.Option<string>
  /** Default `node:22-bookworm-slim`. */
  readonly baseImage?: string
  readonly onProgress?: (line: string) => Effect.Effect<void>
}

/** Builds the worker image as `name` unless the engine has it; returns whether it built. */
export const ensureWorkerImage = Effect.fn("Docker.ensureWorkerImage")(
  function* (name: string, options: WorkerImageOptions = {}) {
    const docker = yield* DockerEngine
    if (yield* docker.imageExists(name)) return false
    const caBundle = Option.getOrUndefined(options.caBundle ?? Option.none())
    const extraCa = caBundle === undefined ? "" : yield* Effect.tryPromise({
      try: () => Deno.readTextFile(caBundle),
      catch: (error) =>
        new BuildFailed({
          image: name,
          output: "",
          detail: `cannot read the CA bundle ${caBundle} (${error}): fix docker.ca_bundle or DEVVY_CA_BUNDLE`,
        }),
    })
    yield* docker.buildImage({
      tag: name,
      context: { dockerfileText: workerDockerfile, files: { "extra-ca.pem": extraCa } },
      ...(options.baseImage === undefined ? {} : { buildArgs: { BASE_IMAGE: options.baseImage } }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    })
    return true
  },
)
