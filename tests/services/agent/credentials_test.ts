import assert from "node:assert/strict"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { TicketId } from "../../../src/domain/TicketId.ts"
import { AgentCredentials } from "../../../src/services/agent/AgentCredentials.ts"
import { DevvyPaths } from "../../../src/services/config/DevvyPaths.ts"
import { it } from "../../support/effect_test.ts"
import { configFrom } from "../../support/git_fixtures.ts"
import { makeTempDir } from "../../support/temp_home.ts"

const id = TicketId.make("c0ffee")

/** The real service over a temporary DEVVY_HOME and a temporary user data directory. */
const withCredentials = <A, E>(
  settings: (dir: string) => Record<string, string>,
  body: (dir: string) => Effect.Effect<A, E, AgentCredentials>,
) =>
  Effect.gen(function* () {
    const dir = yield* makeTempDir()
    const layer = AgentCredentials.Default.pipe(
      Layer.provide(configFrom({ XDG_DATA_HOME: path.join(dir, "share"), ...settings(dir) })),
      Layer.provide(DevvyPaths.at(path.join(dir, "devvy"))),
      Layer.provide(NodeContext.layer),
    )
    return yield* body(dir).pipe(Effect.provide(layer))
  })

const writeAuth = (dir: string, auth: unknown) => {
  fs.mkdirSync(path.join(dir, "share", "opencode"), { recursive: true })
  fs.writeFileSync(path.join(dir, "share", "opencode", "auth.json"), JSON.stringify(auth), { mode: 0o600 })
}
const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, "utf8"))
const modeOf = (file: string) => fs.statSync(file).mode & 0o777

it.live(
  "with no auth.json and no opencode config, preparing fails at once with a message naming the fix",
  () =>
    withCredentials(() => ({}), (dir) =>
      Effect.gen(function* () {
        const credentials = yield* AgentCredentials
        const error = yield* Effect.flip(credentials.prepare(id))
        assert.equal(error._tag, "AgentCredentialsMissing")
        assert.equal(error.authPath, path.join(dir, "share", "opencode", "auth.json"))
        assert.match(error.message, /opencode auth login/)
      })),
)

it.live(
  "an API-key auth.json is mounted read-only and no credential goes into the environment",
  () =>
    withCredentials(() => ({}), (dir) =>
      Effect.gen(function* () {
        writeAuth(dir, { openai: { type: "api", key: "sk-secret" } })
        const credentials = yield* AgentCredentials
        const mounts = yield* credentials.prepare(id)
        const agentDir = path.join(dir, "devvy", "agent", id)
        assert.equal(mounts.authMode, "read-only")
        assert.deepEqual(mounts.binds, [
          `${agentDir}:/devvy/agent`,
          `${path.join(dir, "share", "opencode", "auth.json")}:/devvy/agent/data/opencode/auth.json:ro`,
        ])
        assert.deepEqual(mounts.env, { HOME: "/devvy/agent/home", XDG_DATA_HOME: "/devvy/agent/data" })
        assert.equal(modeOf(agentDir), 0o700)
        assert.ok(!JSON.stringify(mounts).includes("sk-secret"))
      })),
)

it.live("an opencode config alone is enough, mounted read-only and named by OPENCODE_CONFIG", () =>
  withCredentials(
    (dir) => ({ DEVVY_OPENCODE_CONFIG: path.join(dir, "opencode.json") }),
    (dir) =>
      Effect.gen(function* () {
        const credentials = yield* AgentCredentials
        const mounts = yield* credentials.prepare(id)
        assert.equal(mounts.authMode, "none")
        assert.ok(mounts.binds.includes(`${path.join(dir, "opencode.json")}:/devvy/opencode.json:ro`))
        assert.equal(mounts.env.OPENCODE_CONFIG, "/devvy/opencode.json")
      }),
  ))

const copilot = (access: string, expires: number) => ({ type: "oauth", refresh: "gho_refresh", access, expires })

it.live(
  "an OAuth auth.json is copied in before a run and refreshed tokens are merged back after it",
  () =>
    withCredentials(() => ({}), (dir) =>
      Effect.gen(function* () {
        writeAuth(dir, { "github-copilot": copilot("old", 1000), openai: { type: "api", key: "sk-1" } })
        const credentials = yield* AgentCredentials
        const mounts = yield* credentials.prepare(id)
        assert.equal(mounts.authMode, "copy")
        assert.ok(!mounts.binds.some((b) => b.includes("auth.json")), "the user's file itself is not mounted")

        yield* credentials.beforeRun(id)
        const copy = path.join(dir, "devvy", "agent", id, "data", "opencode", "auth.json")
        assert.deepEqual(readJson(copy), readJson(credentials.hostAuth))
        assert.equal(modeOf(copy), 0o600)

        // The agent refreshes its token while the user logs in to another provider on the host.
        fs.writeFileSync(
          copy,
          JSON.stringify({ ...(readJson(copy) as object), "github-copilot": copilot("new", 5000) }),
        )
        writeAuth(dir, {
          "github-copilot": copilot("old", 1000),
          openai: { type: "api", key: "sk-1" },
          anthropic: { type: "api", key: "sk-2" },
        })
        yield* credentials.afterRun(id)
        assert.deepEqual(readJson(credentials.hostAuth), {
          "github-copilot": copilot("new", 5000),
          openai: { type: "api", key: "sk-1" },
          anthropic: { type: "api", key: "sk-2" },
        })
        assert.equal(modeOf(credentials.hostAuth), 0o600)
      })),
)

it.live(
  "a ticket's older OAuth token never overwrites a fresher one on the host",
  () =>
    withCredentials(() => ({}), (dir) =>
      Effect.gen(function* () {
        writeAuth(dir, { "github-copilot": copilot("a", 1000) })
        const credentials = yield* AgentCredentials
        yield* credentials.prepare(id)
        yield* credentials.beforeRun(id)
        // Another ticket refreshed meanwhile and merged back first.
        writeAuth(dir, { "github-copilot": copilot("b", 9000) })
        yield* credentials.afterRun(id)
        assert.deepEqual(readJson(credentials.hostAuth), { "github-copilot": copilot("b", 9000) })
        // And the next run of this ticket starts from the fresher token.
        yield* credentials.beforeRun(id)
        const copy = path.join(dir, "devvy", "agent", id, "data", "opencode", "auth.json")
        assert.deepEqual(readJson(copy), { "github-copilot": copilot("b", 9000) })
      })),
)

it.live(
  "removing a ticket's agent data merges refreshed tokens back first, then deletes the directory",
  () =>
    withCredentials(() => ({}), (dir) =>
      Effect.gen(function* () {
        writeAuth(dir, { "github-copilot": copilot("old", 1000) })
        const credentials = yield* AgentCredentials
        yield* credentials.prepare(id)
        yield* credentials.beforeRun(id)
        const agentDir = path.join(dir, "devvy", "agent", id)
        fs.writeFileSync(
          path.join(agentDir, "data", "opencode", "auth.json"),
          JSON.stringify({ "github-copilot": copilot("new", 2000) }),
        )
        yield* credentials.remove(id)
        assert.equal(fs.existsSync(agentDir), false)
        assert.deepEqual(readJson(credentials.hostAuth), { "github-copilot": copilot("new", 2000) })
        yield* credentials.remove(id)
      })),
)
