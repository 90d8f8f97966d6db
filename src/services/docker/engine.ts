/**
 * The live DockerEngine, built from its parts with a span on every call. Nothing is dialled until the
 * first call, so commands that never touch Docker can still build the layer; the socket's HTTP client
 * is closed with the layer's scope.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { AppConfig } from "../config/AppConfig.ts"
import { makeApi } from "./api.ts"
import { makeArchive } from "./archive.ts"
import { makeContainers } from "./containers.ts"
import {
  DockerEngine,
  type DockerEngineShape,
  type ExecError,
  type ExecEvent,
  type ExecOptions,
  type ExecRunOptions,
} from "./DockerEngine.ts"
import { ExecTimedOut } from "./DockerError.ts"
import { commandText, spawnExec } from "./exec.ts"
import { makeImages } from "./images.ts"
import { resolveEndpoint } from "./transport.ts"
import { makeVolumes } from "./volumes.ts"

const VersionSchema = Schema.Struct({ Version: Schema.String })

/** What `make` needs beyond the address: `tlsCertPath` speaks TLS to a tcp:// engine with the files there. */
export interface EngineOptions {
  readonly tlsCertPath?: string
}

export const make = (host: string, options: EngineOptions = {}): Effect.Effect<DockerEngineShape, never, Scope.Scope> =>
  Effect.gen(function* () {
    const api = yield* makeApi(yield* Effect.sync(() => resolveEndpoint(host, options)))
    const images = makeImages(api)
    const containers = makeContainers(api)
    const archive = makeArchive(api)
    const volumes = makeVolumes(api)

    const ping = Effect.fn("Docker.ping")(function* () {
      const apiVersion = yield* api.negotiate
      const info = yield* api.json({ method: "GET", path: "/version" }, VersionSchema).pipe(
        Effect.catchTags({
          ImageNotFound: (e) => Effect.die(e),
          ContainerNotFound: (e) => Effect.die(e),
          DockerConflict: (e) => Effect.die(e),
        }),
      )
      return { version: info.Version, apiVersion }
    })

    const spawn = Effect.fn("Docker.spawn")(function* (containerId: string, options: ExecOptions) {
      return yield* spawnExec(api, containerId, options)
    })

    const timedOut = (containerId: string, options: ExecOptions, timeout: Duration.DurationInput) =>
      new ExecTimedOut({
        containerId,
        command: commandText(options.cmd),
        timeout: Duration.format(Duration.decode(timeout)),
      })

    const execStream = (
      containerId: string,
      options: ExecOptions & { readonly timeout?: Duration.DurationInput },
    ): Stream.Stream<ExecEvent, ExecError | ExecTimedOut> => {
      const events = Stream.unwrapScoped(
        Effect.map(spawnExec(api, containerId, options), (process) =>
          process.lines.pipe(
            Stream.map((line): ExecEvent => ({ _tag: "Line", stream: line.stream, line: line.line })),
            Stream.concat(Stream.fromEffect(Effect.map(process.exitCode, (exitCode): ExecEvent => ({
              _tag: "Exit",
              exitCode,
            })))),
          )),
      )
      const timeout = options.timeout
      return timeout === undefined ? events : events.pipe(
        // Past the deadline the stream fails, its scope closes, and the spawn's finalizer kills the process.
        Stream.interruptWhen(
          Effect.zipRight(Effect.sleep(timeout), Effect.fail(timedOut(containerId, options, timeout))),
        ),
      )
    }

    const exec = Effect.fn("Docker.exec")(function* (containerId: string, options: ExecRunOptions) {
      const onLine = options.onLine ?? (() => Effect.void)
      const run = Effect.gen(function* () {
        const process = yield* spawnExec(api, containerId, options)
        yield* process.forEachLine((line) => onLine(line.stream, line.line))
        return { exitCode: yield* process.exitCode }
      })
      const timeout = options.timeout
      // On timeout the run is interrupted, its scope closes, and the spawn's finalizer kills the process.
      return yield* Effect.scoped(
        timeout === undefined
          ? run
          : Effect.timeoutFail(run, { duration: timeout, onTimeout: () => timedOut(containerId, options, timeout) }),
      )
    })

    const runContainer = Effect.fn("Docker.runContainer")(function* (spec: Parameters<typeof containers.create>[0]) {
      const id = yield* Effect.acquireRelease(
        containers.create(spec),
        (id) => containers.remove(id).pipe(Effect.ignore),
      )
      yield* containers.start(id)
      return yield* containers.inspect(id)
    })

    return {
      ping,
      imageExists: Effect.fn("Docker.imageExists")(images.exists),
      inspectImage: Effect.fn("Docker.inspectImage")(images.inspect),
      buildImage: Effect.fn("Docker.buildImage")(images.build),
      importImage: Effect.fn("Docker.importImage")(images.importImage),
      removeImage: Effect.fn("Docker.removeImage")(images.remove),
      createContainer: Effect.fn("Docker.createContainer")(containers.create),
      startContainer: Effect.fn("Docker.startContainer")(containers.start),
      inspectContainer: Effect.fn("Docker.inspectContainer")(containers.inspect),
      stopContainer: Effect.fn("Docker.stopContainer")(containers.stop),
      removeContainer: Effect.fn("Docker.removeContainer")(containers.remove),
      listContainers: Effect.fn("Docker.listContainers")(containers.list),
      createVolume: Effect.fn("Docker.createVolume")(volumes.create),
      listVolumes: Effect.fn("Docker.listVolumes")(volumes.list),
      removeVolume: Effect.fn("Docker.removeVolume")(volumes.remove),
      putArchive: Effect.fn("Docker.putArchive")(archive.put),
      getArchive: Effect.fn("Docker.getArchive")(archive.get),
      runContainer,
      exec,
      execStream: (containerId, options) =>
        Stream.withSpan(execStream(containerId, options), "Docker.execStream", { attributes: { containerId } }),
      spawn,
    }
  })

/**
 * The engine at an explicit address (`unix:///path` or `tcp://host:port`), for tests and tools;
 * `tlsCertPath` as DOCKER_CERT_PATH with DOCKER_TLS_VERIFY set.
 */
export const layerAt = (host: string, options: EngineOptions = {}): Layer.Layer<DockerEngine> =>
  Layer.scoped(DockerEngine, make(host, options))

/** The engine at `config.docker.host` (`DOCKER_HOST`), over TLS when DOCKER_TLS_VERIFY is set. */
export const layer: Layer.Layer<DockerEngine, never, AppConfig> = Layer.scoped(
  DockerEngine,
  Effect.flatMap(AppConfig, (config) =>
    make(
      config.docker.host,
      Option.match(config.docker.tlsCertPath, { onNone: () => ({}), onSome: (tlsCertPath) => ({ tlsCertPath }) }),
    )),
)
