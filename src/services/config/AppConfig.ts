import { FileSystem } from "@effect/platform/FileSystem"
import { Config, Context, Duration, Effect, Either, Layer, Option, ParseResult, Redacted, Schema } from "effect"
import { parse, TomlError } from "smol-toml"
import { DevvyPaths } from "./DevvyPaths.ts"
import { ConfigFile, configKeys } from "./ConfigFile.ts"
import { ConfigInvalid, ConfigMissing, ConfigRequired, ConfigSyntax } from "./ConfigError.ts"

/** The settings devvy runs with: the file, with environment variables laid over it, defaults filled in. */
export interface AppConfigShape {
  readonly path: string
  readonly fileFound: boolean
  readonly model: Option.Option<string>
  readonly repoUrl: Option.Option<string>
  readonly envFile: Option.Option<string>
  readonly ado: {
    readonly orgUrl: Option.Option<string>
    readonly project: Option.Option<string>
    readonly pat: Option.Option<Redacted.Redacted<string>>
  }
  readonly agent: {
    readonly pollInterval: Duration.Duration
    readonly maxFixAttempts: number
    readonly opencodeConfig: Option.Option<string>
    readonly stallTimeout: Duration.Duration
    readonly phaseTimeout: Duration.Duration
    readonly ignoreAuthors: ReadonlyArray<string>
  }
  readonly docker: {
    readonly host: string
    readonly workerImage: string
    readonly network: string
    readonly caBundle: Option.Option<string>
  }
  readonly git: { readonly authorName: string; readonly authorEmail: string }
}

export class AppConfig extends Context.Tag("devvy/AppConfig")<AppConfig, AppConfigShape>() {
  /** Loads the file named by DevvyPaths; a missing file is fine until a required key is asked for. */
  static readonly layer = Layer.effect(AppConfig, Effect.suspend(() => loadConfig()))
}

const setAt = (target: Record<string, unknown>, key: string, value: unknown): void => {
  const parts = key.split(".")
  let node = target
  for (const part of parts.slice(0, -1)) {
    const next = node[part]
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[part] = {}
    node = node[part] as Record<string, unknown>
  }
  node[parts[parts.length - 1]] = value
}

const fromEnv = (kind: "string" | "number" | "list", value: string): unknown =>
  kind === "number"
    ? (value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value)
    : kind === "list"
    ? value.split(",").map((s) => s.trim()).filter((s) => s !== "")
    : value

const readToml = (path: string, text: string) =>
  Effect.try({
    try: () => parse(text) as Record<string, unknown>,
    catch: (error) =>
      error instanceof TomlError
        ? new ConfigSyntax({ path, line: error.line, column: error.column, detail: error.message.split("\n")[0] })
        : new ConfigSyntax({ path, line: 0, column: 0, detail: String(error) }),
  })

const decode = Schema.decodeUnknownEither(ConfigFile, { onExcessProperty: "error", errors: "first" })

export const loadConfig = Effect.fn("Config.load")(function* () {
  const fs = yield* FileSystem
  const paths = yield* DevvyPaths
  const fileFound = yield* fs.exists(paths.config).pipe(Effect.orElseSucceed(() => false))
  const raw: Record<string, unknown> = fileFound
    ? yield* readToml(paths.config, yield* fs.readFileString(paths.config).pipe(Effect.orDie))
    : {}

  const fromEnvironment = new Map<string, string>()
  for (const { key, env, kind } of configKeys) {
    for (const name of env) {
      const value = yield* Config.option(Config.string(name)).pipe(Effect.orDie)
      if (Option.isSome(value)) {
        setAt(raw, key, fromEnv(kind, value.value))
        fromEnvironment.set(key, name)
        break
      }
    }
  }

  const file = yield* Either.match(decode(raw), {
    onRight: Effect.succeed,
    onLeft: (error) => {
      const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
      const key = issue.path.map(String).join(".")
      const env = fromEnvironment.get(key)
      const expected = issue._tag === "Unexpected" ? `is not a known key (known: ${knownKeysNear(key)})` : issue.message
      return new ConfigInvalid({ source: env ? `environment variable ${env}` : paths.config, key, expected })
    },
  })

  return AppConfig.of({
    path: paths.config,
    fileFound,
    model: Option.fromNullable(file.model),
    repoUrl: Option.fromNullable(file.repo_url),
    envFile: Option.fromNullable(file.env_file),
    ado: {
      orgUrl: Option.fromNullable(file.ado?.org_url?.replace(/\/+$/, "")),
      project: Option.fromNullable(file.ado?.project),
      pat: Option.fromNullable(file.ado?.pat),
    },
    agent: {
      pollInterval: Duration.seconds(file.agent?.poll_interval_seconds ?? 30),
      maxFixAttempts: file.agent?.max_fix_attempts ?? 3,
      opencodeConfig: Option.fromNullable(file.agent?.opencode_config),
      stallTimeout: Duration.seconds(file.agent?.stall_timeout_seconds ?? 600),
      phaseTimeout: Duration.seconds(file.agent?.phase_timeout_seconds ?? 3600),
      ignoreAuthors: file.agent?.ignore_authors ?? [],
    },
    docker: {
      host: file.docker?.host ?? "unix:///var/run/docker.sock",
      workerImage: file.docker?.worker_image ?? "devvy-worker:latest",
      network: file.docker?.network ?? "bridge",
      caBundle: Option.fromNullable(file.docker?.ca_bundle),
    },
    git: {
      authorName: file.git?.author_name ?? "devvy",
      authorEmail: file.git?.author_email ?? "devvy@users.noreply.local",
    },
  })
})

/** The keys that share the unknown key's section, so the message shows what was probably meant. */
const knownKeysNear = (key: string): string => {
  const section = key.includes(".") ? key.slice(0, key.lastIndexOf(".") + 1) : ""
  return configKeys
    .map((k) => k.key)
    .filter((k) => k.startsWith(section))
    .map((k) => k.slice(section.length).split(".")[0])
    .filter((k, i, all) => all.indexOf(k) === i)
    .join(", ")
}

/** A setting the current command cannot do without. */
export const requireSetting = <A>(
  config: AppConfigShape,
  key: string,
  value: Option.Option<A>,
): Effect.Effect<A, ConfigMissing | ConfigRequired> =>
  Option.match(value, {
    onSome: Effect.succeed,
    onNone: () => {
      const env = configKeys.find((k) => k.key === key)?.env.join(" or ") ?? key
      return config.fileFound
        ? Effect.fail(new ConfigRequired({ path: config.path, key, env }))
        : Effect.fail(new ConfigMissing({ path: config.path }))
    },
  })
