import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as fs from "node:fs"
import * as path from "node:path"
import { load } from "js-yaml"

/** How VALIDATE gets the image the repository's scripts run in (SPEC §1). */
export type BuildTarget =
  | {
    readonly _tag: "Dockerfile"
    /** Absolute directory sent as the build context. */
    readonly context: string
    /** Relative to the context. */
    readonly dockerfile: string
    readonly args: Readonly<Record<string, string>>
    /** Where it was found, for the log. */
    readonly source: string
  }
  | { readonly _tag: "WorkerImage"; readonly source: string }

export class BuildTargetInvalid extends Schema.TaggedError<BuildTargetInvalid>()("BuildTargetInvalid", {
  file: Schema.String,
  detail: Schema.String,
}) {
  override get message(): string {
    return `cannot read the build from ${this.file}: ${this.detail}`
  }
}

const composeFiles = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"]

const Build = Schema.Union(
  Schema.String,
  Schema.Struct({
    context: Schema.optional(Schema.String),
    dockerfile: Schema.optional(Schema.String),
    args: Schema.optional(
      Schema.Union(
        Schema.Record({
          key: Schema.String,
          value: Schema.Union(Schema.String, Schema.Number, Schema.Boolean, Schema.Null),
        }),
        Schema.Array(Schema.String),
      ),
    ),
  }),
)
const Compose = Schema.Struct({
  services: Schema.optional(
    Schema.Record({ key: Schema.String, value: Schema.NullOr(Schema.Struct({ build: Schema.optional(Build) })) }),
  ),
})

const isLines = (args: BuildArgs): args is ReadonlyArray<string> => Array.isArray(args)

/** Compose allows args as a map or as `KEY=value` lines; a bare `KEY` takes no value here. */
type BuildArgs = Readonly<Record<string, string | number | boolean | null>> | ReadonlyArray<string> | undefined

const argsOf = (args: BuildArgs): Record<string, string> => {
  const out: Record<string, string> = {}
  if (isLines(args)) {
    for (const line of args) {
      const at = line.indexOf("=")
      if (at > 0) out[line.slice(0, at)] = line.slice(at + 1)
    }
  } else if (args !== undefined) {
    for (const [key, value] of Object.entries(args)) if (value !== null) out[key] = String(value)
  }
  return out
}

/**
 * The repository's own Dockerfile; else the build of a compose service (one named like the repository
 * or `app`, else the first with a build); else the worker image.
 */
export const detectBuildTarget = Effect.fn("Validate.detectBuild")(function* (workspace: string, repoName: string) {
  if (fs.existsSync(path.join(workspace, "Dockerfile"))) {
    return { _tag: "Dockerfile", context: workspace, dockerfile: "Dockerfile", args: {}, source: "Dockerfile" } as const
  }
  const composeFile = composeFiles.find((name) => fs.existsSync(path.join(workspace, name)))
  if (composeFile === undefined) return { _tag: "WorkerImage", source: "no Dockerfile or compose file" } as const

  const file = path.join(workspace, composeFile)
  const compose = yield* Effect.try({
    try: (): unknown => load(fs.readFileSync(file, "utf8")),
    catch: (error) => new BuildTargetInvalid({ file: composeFile, detail: String(error) }),
  }).pipe(
    Effect.flatMap(Schema.decodeUnknown(Compose)),
    Effect.mapError((error) =>
      error._tag === "BuildTargetInvalid" ? error : new BuildTargetInvalid({ file: composeFile, detail: error.message })
    ),
  )
  const built = Object.entries(compose.services ?? {}).flatMap(([name, service]) =>
    service?.build === undefined ? [] : [{ name, build: service.build }]
  )
  const chosen = built.find((s) => s.name === repoName) ?? built.find((s) => s.name === "app") ?? built[0]
  if (chosen === undefined) {
    return { _tag: "WorkerImage", source: `${composeFile} has no service with a build` } as const
  }
  const build = typeof chosen.build === "string" ? { context: chosen.build } : chosen.build
  const context = path.resolve(workspace, build.context ?? ".")
  if (path.relative(workspace, context).startsWith("..")) {
    return yield* new BuildTargetInvalid({
      file: composeFile,
      detail: `service ${chosen.name} builds outside the repository`,
    })
  }
  return {
    _tag: "Dockerfile",
    context,
    dockerfile: build.dockerfile ?? "Dockerfile",
    args: argsOf(build.args),
    source: `${composeFile} service ${chosen.name}`,
  } as const
})
