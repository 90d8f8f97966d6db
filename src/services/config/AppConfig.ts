import { FileSystem } from "@effect/platform/FileSystem"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as os from "node:os"
import * as path from "node:path"
import { DevvyPaths } from "./DevvyPaths.ts"
import { configKeys, decodeConfigFile, githubTokenEnv, parseToml, setKey } from "./ConfigFile.ts"
import { ConfigMissing, ConfigRequired } from "./ConfigError.ts"

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
    /** The tag `devvy watch` picks work items up by. */
    readonly watchTag: string
  }
  readonly github: {
    /** github.com's: from the file or DEVVY_GITHUB_TOKEN/GH_TOKEN/GITHUB_TOKEN; gh is asked only when a forge needs it. */
    readonly token: Option.Option<Redacted.Redacted<string>>
    /** An Enterprise Server host's: from the file or DEVVY_GITHUB_TOKEN/GH_ENTERPRISE_TOKEN/GITHUB_ENTERPRISE_TOKEN. */
    readonly enterpriseToken: Option.Option<Redacted.Redacted<string>>
    /** Without a trailing slash. */
    readonly apiUrl: string
    readonly trustedAssociations: ReadonlyArray<string>
    readonly watchLabel: string
  }
  readonly agent: {
    readonly pollInterval: Duration.Duration
    readonly maxFixAttempts: number
    /** FIX_CHECKS rounds per ticket before devvy leaves red CI to people. */
    readonly maxCheckFixAttempts: number
    readonly opencodeConfig: Option.Option<string>
    readonly stallTimeout: Duration.Duration
    readonly phaseTimeout: Duration.Duration
    readonly ignoreAuthors: ReadonlyArray<string>
    /** Per ticket; none: no limit. */
    readonly maxCostUsd: Option.Option<number>
    readonly maxTokens: Option.Option<number>
  }
  readonly docker: {
    readonly host: string
    readonly workerImage: string
    readonly network: string
    readonly caBundle: Option.Option<string>
    /** DOCKER_CERT_PATH (default ~/.docker) when DOCKER_TLS_VERIFY is set: TLS to a tcp:// engine. */
    readonly tlsCertPath: Option.Option<string>
    /** How containers get the workspace: a bind mount, or a copy through the engine (default for tcp://). */
    readonly workspaceMode: "bind" | "copy"
  }
  readonly git: { readonly authorName: string; readonly authorEmail: string }
}

export class AppConfig extends Context.Tag("devvy/AppConfig")<AppConfig, AppConfigShape>() {
  /** Loads the file named by DevvyPaths; a missing file is fine until a required key is asked for. */
  static readonly layer = Layer.effect(AppConfig, Effect.suspend(() => loadConfig()))
}

const fromEnv = (kind: "string" | "number" | "list", value: string): unknown =>
  kind === "number"
    ? (value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : value)
    : kind === "list"
    ? value.split(",").map((s) => s.trim()).filter((s) => s !== "")
    : value

/** Lays the first set variable of each key over the table; decodes it, errors naming where a value came from. */
const overlayAndDecode = (table: Record<string, unknown>, keys: typeof configKeys, path: string) =>
  Effect.gen(function* () {
    const fromEnvironment = new Map<string, string>()
    for (const { key, env, kind } of keys) {
      for (const name of env) {
        const value = yield* Config.option(Config.string(name)).pipe(Effect.orDie)
        if (Option.isSome(value)) {
          setKey(table, key, fromEnv(kind, value.value))
          fromEnvironment.set(key, name)
          break
        }
      }
    }
    return yield* decodeConfigFile(table, (key) => {
      const env = fromEnvironment.get(key)
      return env ? `environment variable ${env}` : path
    })
  })

export const loadConfig = Effect.fn("Config.load")(function* () {
  const fs = yield* FileSystem
  const paths = yield* DevvyPaths
  const fileFound = yield* fs.exists(paths.config).pipe(Effect.orElseSucceed(() => false))
  const raw: Record<string, unknown> = fileFound
    ? yield* parseToml(paths.config, yield* fs.readFileString(paths.config).pipe(Effect.orDie))
    : {}
  // Taken before the environment is laid over it: an Enterprise Server host reads other variables over it.
  const section = raw.github
  const fileToken = typeof section === "object" && section !== null && "token" in section ? section.token : undefined

  const file = yield* overlayAndDecode(raw, configKeys, paths.config)
  const enterprise = yield* overlayAndDecode(
    { github: fileToken === undefined ? {} : { token: fileToken } },
    [{ key: "github.token", env: githubTokenEnv.enterpriseServer, kind: "string" }],
    paths.config,
  )

  // Docker's own client variables, read as the docker CLI reads them: any non-empty DOCKER_TLS_VERIFY.
  const tlsVerify = yield* Config.string("DOCKER_TLS_VERIFY").pipe(Config.withDefault(""), Effect.orDie)
  const home = yield* Config.string("HOME").pipe(Config.withDefault(os.homedir()), Effect.orDie)
  const certPath = yield* Config.string("DOCKER_CERT_PATH").pipe(
    Config.withDefault(path.join(home, ".docker")),
    Effect.orDie,
  )

  const dockerHost = file.docker?.host ?? "unix:///var/run/docker.sock"
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
      watchTag: file.ado?.watch_tag ?? "devvy",
    },
    github: {
      token: Option.fromNullable(file.github?.token),
      enterpriseToken: Option.fromNullable(enterprise.github?.token),
      apiUrl: (file.github?.api_url ?? "https://api.github.com").replace(/\/+$/, ""),
      trustedAssociations: file.github?.trusted_associations?.map((a) => a.toUpperCase()) ??
        ["OWNER", "MEMBER", "COLLABORATOR"],
      watchLabel: file.github?.watch_label ?? "devvy",
    },
    agent: {
      pollInterval: Duration.seconds(file.agent?.poll_interval_seconds ?? 30),
      maxFixAttempts: file.agent?.max_fix_attempts ?? 3,
      maxCheckFixAttempts: file.agent?.max_check_fix_attempts ?? 3,
      opencodeConfig: Option.fromNullable(file.agent?.opencode_config),
      stallTimeout: Duration.seconds(file.agent?.stall_timeout_seconds ?? 600),
      phaseTimeout: Duration.seconds(file.agent?.phase_timeout_seconds ?? 3600),
      ignoreAuthors: file.agent?.ignore_authors ?? [],
      maxCostUsd: Option.fromNullable(file.agent?.max_cost_usd),
      maxTokens: Option.fromNullable(file.agent?.max_tokens),
    },
    docker: {
      host: dockerHost,
      workerImage: file.docker?.worker_image ?? "devvy-worker:latest",
      network: file.docker?.network ?? "bridge",
      caBundle: Option.fromNullable(file.docker?.ca_bundle),
      tlsCertPath: tlsVerify === "" ? Option.none() : Option.some(path.resolve(certPath)),
      // An engine reached over TCP is taken to be on another host, which cannot see this one's files.
      workspaceMode: file.docker?.workspace_mode ?? (dockerHost.startsWith("tcp://") ? "copy" : "bind"),
    },
    git: {
      authorName: file.git?.author_name ?? "devvy",
      authorEmail: file.git?.author_email ?? "devvy@users.noreply.local",
    },
  })
})

/** A setting the current command cannot do without. */
export const requireSetting = <A>(
  config: AppConfigShape,
  key: string,
  value: Option.Option<A>,
  /** Where else it may come from, when that depends on more than the key (github.token's on Enterprise Server). */
  env: string = configKeys.find((k) => k.key === key)?.env.join(" or ") ?? key,
): Effect.Effect<A, ConfigMissing | ConfigRequired> =>
  Option.match(value, {
    onSome: Effect.succeed,
    onNone: () =>
      config.fileFound
        ? Effect.fail(new ConfigRequired({ path: config.path, key, env }))
        : Effect.fail(new ConfigMissing({ path: config.path })),
  })
