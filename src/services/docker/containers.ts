/** Container calls: create, start, inspect, stop, remove, list by label. */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Api } from "./api.ts"
import type { ContainerInfo, ContainerSpec } from "./DockerEngine.ts"

const Status = Schema.Literal("created", "running", "paused", "restarting", "removing", "exited", "dead")
const Labels = Schema.optionalWith(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.String })), {
  default: () => null,
})

/** Each mount's kind (`bind`, `volume`, `tmpfs`…) and where it lands in the container. */
const Mounts = Schema.optionalWith(
  Schema.NullOr(Schema.Array(Schema.Struct({ Type: Schema.String, Destination: Schema.String }))),
  { default: () => null },
)

const ContainerInspect = Schema.Struct({
  Id: Schema.String,
  Mounts,
  Name: Schema.String,
  Config: Schema.Struct({ Image: Schema.String, Labels }),
  State: Schema.Struct({ Status, Running: Schema.Boolean, ExitCode: Schema.Number }),
})

const ContainerSummary = Schema.Struct({
  Id: Schema.String,
  Names: Schema.Array(Schema.String),
  Image: Schema.String,
  State: Status,
  Status: Schema.String,
  Labels,
  Mounts,
})

const Created = Schema.Struct({ Id: Schema.String })

export const createBody = (spec: ContainerSpec) => ({
  Image: spec.image,
  ...(spec.cmd === undefined ? {} : { Cmd: spec.cmd }),
  ...(spec.entrypoint === undefined ? {} : { Entrypoint: spec.entrypoint }),
  Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
  ...(spec.workingDir === undefined ? {} : { WorkingDir: spec.workingDir }),
  ...(spec.user === undefined ? {} : { User: spec.user }),
  Labels: spec.labels ?? {},
  HostConfig: {
    Binds: spec.binds ?? [],
    ...(spec.volumes === undefined || spec.volumes.length === 0 ? {} : {
      Mounts: spec.volumes.map((v) => ({
        Type: "volume",
        Source: v.name,
        Target: v.target,
        VolumeOptions: { NoCopy: true },
      })),
    }),
    NetworkMode: spec.network ?? "bridge",
    SecurityOpt: ["no-new-privileges"],
    ...(spec.memoryBytes === undefined ? {} : { Memory: spec.memoryBytes, MemorySwap: spec.memoryBytes }),
    ...(spec.cpus === undefined ? {} : { NanoCpus: Math.round(spec.cpus * 1e9) }),
    ...(spec.pidsLimit === undefined ? {} : { PidsLimit: spec.pidsLimit }),
    ...(spec.init === undefined ? {} : { Init: spec.init }),
  },
})

export const makeContainers = (api: Api) => {
  const id = (value: string) => encodeURIComponent(value)

  const create = (spec: ContainerSpec) =>
    api.json({
      method: "POST",
      path: "/containers/create",
      query: { name: spec.name },
      json: createBody(spec),
      subject: { image: spec.image },
    }, Created).pipe(
      Effect.map((created) => created.Id),
      Effect.catchTag("ContainerNotFound", (e) => Effect.die(e)),
    )

  const start = (container: string) =>
    api.call({ method: "POST", path: `/containers/${id(container)}/start`, subject: { container } }).pipe(
      Effect.catchTag("ImageNotFound", (e) => Effect.die(e)),
    )

  const inspect = (container: string) =>
    api.json({ method: "GET", path: `/containers/${id(container)}/json`, subject: { container } }, ContainerInspect)
      .pipe(
        Effect.map((c): ContainerInfo => ({
          id: c.Id,
          name: c.Name.replace(/^\//, ""),
          image: c.Config.Image,
          status: c.State.Status,
          running: c.State.Running,
          exitCode: c.State.ExitCode,
          labels: c.Config.Labels ?? {},
          mounts: (c.Mounts ?? []).map((m) => ({ type: m.Type, destination: m.Destination })),
        })),
        Effect.catchTags({ ImageNotFound: (e) => Effect.die(e), DockerConflict: (e) => Effect.die(e) }),
      )

  const stop = (container: string, options?: { readonly timeout?: Duration.DurationInput }) =>
    api.call({
      method: "POST",
      path: `/containers/${id(container)}/stop`,
      query: { t: String(Math.ceil(Duration.toSeconds(options?.timeout ?? "10 seconds"))) },
      subject: { container },
    }).pipe(Effect.catchTags({ ImageNotFound: (e) => Effect.die(e), DockerConflict: (e) => Effect.die(e) }))

  const remove = (container: string) =>
    api.call({
      method: "DELETE",
      path: `/containers/${id(container)}`,
      query: { force: "1", v: "1" },
      subject: { container },
    }).pipe(
      Effect.catchTags({ ContainerNotFound: () => Effect.void, ImageNotFound: (e) => Effect.die(e) }),
    )

  const list = (labels: Readonly<Record<string, string>>) =>
    api.json({
      method: "GET",
      path: "/containers/json",
      query: { all: "1", filters: JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) }) },
    }, Schema.Array(ContainerSummary)).pipe(
      Effect.map((rows) =>
        rows.map((c): ContainerInfo => ({
          id: c.Id,
          name: (c.Names[0] ?? "").replace(/^\//, ""),
          image: c.Image,
          status: c.State,
          running: c.State === "running",
          exitCode: Number(/^Exited \((-?\d+)\)/.exec(c.Status)?.[1] ?? 0),
          labels: c.Labels ?? {},
          mounts: (c.Mounts ?? []).map((m) => ({ type: m.Type, destination: m.Destination })),
        }))
      ),
      Effect.catchTags({
        ImageNotFound: (e) => Effect.die(e),
        ContainerNotFound: (e) => Effect.die(e),
        DockerConflict: (e) => Effect.die(e),
      }),
    )

  return { create, start, inspect, stop, remove, list } as const
}
