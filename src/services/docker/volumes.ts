/** Named volume calls: create, list by label, remove. */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { Api } from "./api.ts"

const VolumeList = Schema.Struct({
  Volumes: Schema.optionalWith(Schema.NullOr(Schema.Array(Schema.Struct({ Name: Schema.String }))), {
    default: () => null,
  }),
})

export const makeVolumes = (api: Api) => {
  /** Creating a volume that exists is fine: the engine hands back the existing one. */
  const create = (name: string, labels: Readonly<Record<string, string>>) =>
    api.call({ method: "POST", path: "/volumes/create", json: { Name: name, Labels: labels } }).pipe(
      Effect.catchTags({
        ImageNotFound: (e) => Effect.die(e),
        ContainerNotFound: (e) => Effect.die(e),
        DockerConflict: (e) => Effect.die(e),
      }),
    )

  const list = (labels: Readonly<Record<string, string>>) =>
    api.json({
      method: "GET",
      path: "/volumes",
      query: { filters: JSON.stringify({ label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) }) },
    }, VolumeList).pipe(
      Effect.map((list) => (list.Volumes ?? []).map((v) => v.Name)),
      Effect.catchTags({
        ImageNotFound: (e) => Effect.die(e),
        ContainerNotFound: (e) => Effect.die(e),
        DockerConflict: (e) => Effect.die(e),
      }),
    )

  /** A missing volume is fine; one a container still uses is a DockerConflict. */
  const remove = (name: string) =>
    api.call({ method: "DELETE", path: `/volumes/${encodeURIComponent(name)}` }).pipe(
      Effect.catchTags({
        ImageNotFound: (e) => Effect.die(e),
        ContainerNotFound: (e) => Effect.die(e),
        DockerApiError: (e) => e.status === 404 ? Effect.void : Effect.fail(e),
      }),
    )

  return { create, list, remove } as const
}
