/**
 * How opencode in a worker gets its credentials and state, as data for the code that creates the worker.
 *
 * Each ticket has an agent directory on the host, `$DEVVY_HOME/agent/<id>`, mounted at /devvy/agent: HOME
 * and XDG_DATA_HOME live there, so opencode's session database survives a worker being replaced and
 * `--session` still finds the plan after `devvy resume`.
 *
 * auth.json (`$XDG_DATA_HOME/opencode/auth.json` on the host) reaches the worker in one of two ways:
 * - API keys only: the file itself, bind-mounted read-only. opencode never writes it.
 * - any OAuth entry (GitHub Copilot and the like): opencode writes refreshed tokens back. A writable mount
 *   of the user's own file was rejected: parallel tickets would all rewrite that one file, a run killed
 *   mid-write would leave it truncated, and a single-file bind mount breaks the day the writer replaces
 *   the file by rename. Instead a copy (mode 600) goes into the ticket's agent directory before every run,
 *   and after the run each OAuth entry whose `expires` moved forward is merged back into the user's file,
 *   atomically (write beside, rename), leaving every other entry as it was.
 */
import { FileSystem } from "@effect/platform/FileSystem"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as os from "node:os"
import * as path from "node:path"
import type { TicketId } from "../../domain/TicketId.ts"
import { AppConfig } from "../config/AppConfig.ts"
import { DevvyPaths } from "../config/DevvyPaths.ts"
import { AgentCredentialsMissing } from "./AgentError.ts"

/** Where things are inside the worker. */
export const workerPaths = {
  workspace: "/workspace",
  agentDir: "/devvy/agent",
  home: "/devvy/agent/home",
  dataHome: "/devvy/agent/data",
  authFile: "/devvy/agent/data/opencode/auth.json",
  opencodeConfig: "/devvy/opencode.json",
} as const

/** The host's auth.json, where `opencode auth login` writes it. */
export const hostAuthFile = Effect.gen(function* () {
  const home = yield* Config.string("HOME").pipe(Config.withDefault(os.homedir()))
  const dataHome = yield* Config.string("XDG_DATA_HOME").pipe(Config.withDefault(path.join(home, ".local", "share")))
  return path.join(dataHome, "opencode", "auth.json")
}).pipe(Effect.orDie)

export const agentDir = (paths: DevvyPaths["Type"], id: TicketId): string => path.join(paths.home, "agent", id)

/** The ticket's copy of auth.json, which OAuth providers refresh (authMode "copy"). */
export const authCopy = (paths: DevvyPaths["Type"], id: TicketId): string =>
  path.join(agentDir(paths, id), "data", "opencode", "auth.json")

const AuthEntry = Schema.Struct(
  { type: Schema.String, expires: Schema.optional(Schema.Number) },
  Schema.Record({ key: Schema.String, value: Schema.Unknown }),
)
const AuthFile = Schema.Record({ key: Schema.String, value: AuthEntry })
type AuthFile = typeof AuthFile.Type
const decodeAuth = Schema.decodeUnknown(Schema.parseJson(AuthFile))

export type AuthMode = "none" | "read-only" | "copy"

/** What the worker needs for the agent: binds (`host:container[:ro]`) and environment, never a secret. */
export interface AgentMounts {
  readonly binds: ReadonlyArray<string>
  /**
   * The same as paths, for a worker that gets copies instead of binds (docker.workspace_mode = "copy"):
   * the agent directory (copied in, and back after each run), and read-only files (copied in only).
   */
  readonly copies: {
    readonly agentDir: string
    readonly readOnly: ReadonlyArray<{ readonly host: string; readonly container: string }>
  }
  readonly env: Readonly<Record<string, string>>
  readonly authMode: AuthMode
}

const hasOAuth = (auth: AuthFile) => Object.values(auth).some((entry) => entry.type === "oauth")

/** The entries of `copy` that carry a fresher OAuth token than `host`, laid over `host`. */
export const mergeOAuth = (
  host: AuthFile,
  copy: AuthFile,
): { readonly merged: AuthFile; readonly changed: boolean } => {
  const merged: Record<string, typeof AuthEntry.Type> = { ...host }
  let changed = false
  for (const [provider, entry] of Object.entries(copy)) {
    const current = host[provider]
    if (entry.type !== "oauth" || (current !== undefined && (current.expires ?? 0) >= (entry.expires ?? 0))) continue
    merged[provider] = entry
    changed = true
  }
  return { merged, changed }
}

export const makeCredentials = Effect.gen(function* () {
  const fs = yield* FileSystem
  const paths = yield* DevvyPaths
  const config = yield* AppConfig
  const hostAuth = yield* hostAuthFile

  const readAuth = (file: string) =>
    fs.readFileString(file).pipe(Effect.flatMap(decodeAuth), Effect.mapError(() => file))

  const writePrivate = Effect.fnUntraced(function* (file: string, auth: AuthFile) {
    const temp = `${file}.${crypto.randomUUID()}.tmp`
    yield* fs.writeFileString(temp, `${JSON.stringify(auth, null, 2)}\n`, { mode: 0o600 })
    yield* fs.rename(temp, file)
  })

  const authModeOf = Effect.fnUntraced(function* (hostAuth: string) {
    if (!(yield* fs.exists(hostAuth).pipe(Effect.orDie))) return "none" as const
    const auth = yield* readAuth(hostAuth).pipe(Effect.option)
    // An unreadable file is still mounted read-only: opencode's own message about it is the clearer one.
    return Option.match(auth, { onNone: () => "read-only" as const, onSome: (a) => hasOAuth(a) ? "copy" : "read-only" })
  })

  /** Creates the ticket's agent directory and says how to mount it; fails when opencode could reach no model. */
  const prepare = Effect.fn("Agent.prepareMounts")(function* (id: TicketId) {
    const authMode = yield* authModeOf(hostAuth)
    if (authMode === "none" && Option.isNone(config.agent.opencodeConfig)) {
      return yield* new AgentCredentialsMissing({ authPath: hostAuth })
    }
    const dir = agentDir(paths, id)
    for (const sub of ["home", path.join("data", "opencode")]) {
      yield* fs.makeDirectory(path.join(dir, sub), { recursive: true, mode: 0o700 }).pipe(Effect.orDie)
    }
    const readOnly: Array<{ host: string; container: string }> = []
    if (authMode === "read-only") readOnly.push({ host: hostAuth, container: workerPaths.authFile })
    const env: Record<string, string> = { HOME: workerPaths.home, XDG_DATA_HOME: workerPaths.dataHome }
    if (Option.isSome(config.agent.opencodeConfig)) {
      readOnly.push({ host: path.resolve(config.agent.opencodeConfig.value), container: workerPaths.opencodeConfig })
      env.OPENCODE_CONFIG = workerPaths.opencodeConfig
    }
    const binds = [`${dir}:${workerPaths.agentDir}`, ...readOnly.map((f) => `${f.host}:${f.container}:ro`)]
    return { binds, env, authMode, copies: { agentDir: dir, readOnly } } satisfies AgentMounts
  })

  /** Before a run: the ticket's copy of an OAuth auth.json gets the user's current tokens. */
  const beforeRun = Effect.fn("Agent.credentialsIn")(function* (id: TicketId) {
    if ((yield* authModeOf(hostAuth)) !== "copy") return
    const copy = authCopy(paths, id)
    const host = yield* readAuth(hostAuth).pipe(Effect.orDie)
    const previous = yield* readAuth(copy).pipe(Effect.orElseSucceed((): AuthFile => ({})))
    // A token the agent refreshed that never made it back (devvy was killed mid-run) is not thrown away.
    yield* writePrivate(copy, mergeOAuth(host, previous).merged).pipe(Effect.orDie)
  })

  /** After a run: refreshed OAuth tokens go back to the user's auth.json. */
  const afterRun = Effect.fn("Agent.credentialsOut")(function* (id: TicketId) {
    const copy = authCopy(paths, id)
    if ((yield* authModeOf(hostAuth)) !== "copy" || !(yield* fs.exists(copy).pipe(Effect.orDie))) return
    const fresh = yield* readAuth(copy).pipe(Effect.option)
    if (Option.isNone(fresh)) return
    const { merged, changed } = mergeOAuth(yield* readAuth(hostAuth).pipe(Effect.orDie), fresh.value)
    if (changed) yield* writePrivate(hostAuth, merged).pipe(Effect.orDie)
  })

  /**
   * At MERGED, FAILED and CANCELLED, after the worker is gone: the agent directory goes, with its session
   * database and any OAuth copy, once its refreshed tokens have been merged back.
   */
  const remove = Effect.fn("Agent.removeData")(function* (id: TicketId) {
    yield* afterRun(id)
    yield* fs.remove(agentDir(paths, id), { recursive: true, force: true }).pipe(Effect.orDie)
  })

  return { hostAuth, prepare, beforeRun, afterRun, remove, authModeOf: () => authModeOf(hostAuth) } as const
})
