/**
 * The Docker Engine, spoken to over its HTTP API (a Unix socket or tcp://): images, containers and
 * exec. devvy never runs the `docker` CLI.
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type {
  BuildFailed,
  ContainerNotFound,
  DockerApiError,
  DockerConflict,
  EngineTlsInvalid,
  EngineUnreachable,
  EngineUnsupported,
  ExecFailed,
  ExecTimedOut,
  ImageNotFound,
} from "./DockerError.ts"

/** Failures any call can meet: no engine, unusable TLS certificates, an unusable engine, or an unexpected refusal. */
export type EngineError = EngineUnreachable | EngineTlsInvalid | EngineUnsupported | DockerApiError

export interface EngineInfo {
  readonly version: string
  /** The API version negotiated for this engine, e.g. "1.41". */
  readonly apiVersion: string
}

export type OutputStream = "stdout" | "stderr"

/** One line a process wrote (without its newline), and on which stream. */
export interface ExecLine {
  readonly stream: OutputStream
  readonly line: string
}

export interface ExecOptions {
  readonly cmd: ReadonlyArray<string>
  /** Added to the container's environment. */
  readonly env?: Readonly<Record<string, string>>
  readonly workingDir?: string
  /** `uid:gid` or a user name; the container's user when absent. */
  readonly user?: string
  /** Written to the process's stdin, which is then closed (EOF). Without it the process gets no stdin. */
  readonly stdin?: string
}

export interface ExecRunOptions extends ExecOptions {
  /** Past it the process (and what it started) is killed and the call fails with ExecTimedOut. */
  readonly timeout?: Duration.DurationInput
  /** Called for each line as it arrives, in the order the process wrote them per stream. */
  readonly onLine?: (stream: OutputStream, line: string) => Effect.Effect<void>
}

/** What `execStream` emits: the lines, then exactly one Exit as the last element. */
export type ExecEvent =
  | { readonly _tag: "Line"; readonly stream: OutputStream; readonly line: string }
  | { readonly _tag: "Exit"; readonly exitCode: number }

/** A started exec: its lines (consume once), its exit code once they end, and a way to end it early. */
export interface ExecProcess {
  readonly execId: string
  readonly lines: Stream.Stream<ExecLine, ExecFailed>
  /** Waits for the output to end, then reads the exit code. */
  readonly exitCode: Effect.Effect<number, ExecFailed>
  /** Kills the process and its descendants; harmless once it has exited. */
  readonly kill: Effect.Effect<void>
}

export type ExecError = ContainerNotFound | DockerConflict | ExecFailed | EngineError

export interface BuildOptions {
  /** `name:tag` to give the image. */
  readonly tag: string
  readonly context:
    /** A directory tarred in-process, honouring its `.dockerignore`; `dockerfile` is relative to it. */
    | { readonly directory: string; readonly dockerfile?: string; readonly exclude?: ReadonlyArray<string> }
    /** A Dockerfile's text, with extra files (path → content) beside it. */
    | { readonly dockerfileText: string; readonly files?: Readonly<Record<string, string | Uint8Array>> }
  readonly buildArgs?: Readonly<Record<string, string>>
  readonly labels?: Readonly<Record<string, string>>
  /** Default false: the base image must already be on the engine. */
  readonly pull?: boolean
  readonly noCache?: boolean
  /** Each progress line of the build, as the engine reports it. */
  readonly onProgress?: (line: string) => Effect.Effect<void>
}

export interface ImageInfo {
  readonly id: string
  readonly repoTags: ReadonlyArray<string>
  readonly labels: Readonly<Record<string, string>>
}

export interface ContainerSpec {
  readonly image: string
  readonly name?: string
  readonly cmd?: ReadonlyArray<string>
  readonly entrypoint?: ReadonlyArray<string>
  readonly env?: Readonly<Record<string, string>>
  readonly workingDir?: string
  /** `uid:gid`. */
  readonly user?: string
  readonly labels?: Readonly<Record<string, string>>
  /** `host:container` or `host:container:ro`. */
  readonly binds?: ReadonlyArray<string>
  /** Named volumes mounted at `target`; the image's files there are never copied into them. */
  readonly volumes?: ReadonlyArray<{ readonly name: string; readonly target: string }>
  /** `bridge` (default), `none`, `host` or a network name. */
  readonly network?: string
  readonly memoryBytes?: number
  /** CPUs, fractional allowed (1.5). */
  readonly cpus?: number
  readonly pidsLimit?: number
  /** Run docker-init as PID 1 so that orphans are reaped. */
  readonly init?: boolean
}

export type ContainerStatus = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead"

export interface ContainerInfo {
  readonly id: string
  readonly name: string
  readonly image: string
  readonly status: ContainerStatus
  readonly running: boolean
  readonly exitCode: number
  readonly labels: Readonly<Record<string, string>>
  /** The container's mounts: their kind (`bind`, `volume`, `tmpfs`…) and where each lands inside it. */
  readonly mounts: ReadonlyArray<{ readonly type: string; readonly destination: string }>
}

export interface DockerEngineShape {
  /** Checks the engine answers and reports its version and the negotiated API version. */
  readonly ping: () => Effect.Effect<EngineInfo, EngineError>

  readonly imageExists: (image: string) => Effect.Effect<boolean, EngineError>
  readonly inspectImage: (image: string) => Effect.Effect<ImageInfo, ImageNotFound | EngineError>
  /** Builds with the classic builder; the image id on success. */
  readonly buildImage: (options: BuildOptions) => Effect.Effect<string, BuildFailed | EngineError>
  /** Imports a root filesystem tar as `repo:tag` (what `docker import` does). */
  readonly importImage: (
    options: { readonly repo: string; readonly tag: string; readonly tar: ReadableStream<Uint8Array> },
  ) => Effect.Effect<void, EngineError>
  /**
   * Removes the image; a missing image is not an error. `prune: false` keeps its untagged parent layers,
   * so the next build of the same Dockerfile is served from the cache.
   */
  readonly removeImage: (
    image: string,
    options?: { readonly force?: boolean; readonly prune?: boolean },
  ) => Effect.Effect<void, EngineError>

  /** The new container's id. */
  readonly createContainer: (
    spec: ContainerSpec,
  ) => Effect.Effect<string, ImageNotFound | DockerConflict | EngineError>
  /** Starting a running container is fine. */
  readonly startContainer: (id: string) => Effect.Effect<void, ContainerNotFound | DockerConflict | EngineError>
  readonly inspectContainer: (id: string) => Effect.Effect<ContainerInfo, ContainerNotFound | EngineError>
  /** SIGTERM, then SIGKILL after `timeout` (default 10 s); stopping a stopped container is fine. */
  readonly stopContainer: (
    id: string,
    options?: { readonly timeout?: Duration.DurationInput },
  ) => Effect.Effect<void, ContainerNotFound | EngineError>
  /** Force-removes the container and its anonymous volumes; a missing container is not an error. */
  readonly removeContainer: (id: string) => Effect.Effect<void, DockerConflict | EngineError>
  /** Containers (running or not) carrying every given label, e.g. `{ "devvy.ticket": id }`. */
  readonly listContainers: (
    labels: Readonly<Record<string, string>>,
  ) => Effect.Effect<ReadonlyArray<ContainerInfo>, EngineError>
  /** Creates a named volume; one that exists already is fine. */
  readonly createVolume: (
    name: string,
    labels: Readonly<Record<string, string>>,
  ) => Effect.Effect<void, EngineError>
  /** The names of the volumes carrying every given label. */
  readonly listVolumes: (labels: Readonly<Record<string, string>>) => Effect.Effect<ReadonlyArray<string>, EngineError>
  /** A missing volume is not an error; one a container still uses is a DockerConflict. */
  readonly removeVolume: (name: string) => Effect.Effect<void, DockerConflict | EngineError>
  /**
   * Unpacks a tar into the container under `path`, an existing folder (`/` always is); works before the
   * container starts. Entries keep the mode, mtime, uid and gid their headers carry.
   */
  readonly putArchive: (
    containerId: string,
    path: string,
    tar: ReadableStream<Uint8Array>,
  ) => Effect.Effect<void, EngineError>
  /**
   * The file or folder at `path` as a tar whose entries start with its base name (`workspace/…`), read
   * straight off its connection (a web stream: the tar reader takes it as it comes); closed with the scope.
   */
  readonly getArchive: (
    containerId: string,
    path: string,
  ) => Effect.Effect<ReadableStream<Uint8Array>, EngineError, Scope.Scope>
  /** Creates and starts a container that is force-removed when the scope closes. */
  readonly runContainer: (
    spec: ContainerSpec,
  ) => Effect.Effect<ContainerInfo, ImageNotFound | ContainerNotFound | DockerConflict | EngineError, Scope.Scope>

  /** Runs a command to its end; a non-zero exit code is a result, not an error. */
  readonly exec: (
    containerId: string,
    options: ExecRunOptions,
  ) => Effect.Effect<{ readonly exitCode: number }, ExecError | ExecTimedOut>
  /** The same as a stream: lines as they come, then one Exit. */
  readonly execStream: (
    containerId: string,
    options: ExecOptions & { readonly timeout?: Duration.DurationInput },
  ) => Stream.Stream<ExecEvent, ExecError | ExecTimedOut>
  /** Starts a command and hands back its process; it is killed if still running when the scope closes. */
  readonly spawn: (containerId: string, options: ExecOptions) => Effect.Effect<ExecProcess, ExecError, Scope.Scope>
}

/**
 * The Docker Engine. `engine.ts` provides it: `layer` at `config.docker.host` (`DOCKER_HOST`), `layerAt`
 * at an explicit address for tests and tools.
 */
export class DockerEngine extends Context.Tag("devvy/DockerEngine")<DockerEngine, DockerEngineShape>() {}
