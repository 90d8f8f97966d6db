import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import assert from "node:assert/strict"
import { ConfigProvider, Duration, Effect, Layer, Option, Redacted } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { loadConfig, requireSetting } from "../../../src/services/config/AppConfig.ts"
import { DevvyPaths } from "../../../src/services/config/DevvyPaths.ts"
import { it } from "../../support/effect_test.ts"
import { makeTempDir } from "../../support/temp_home.ts"

/** Loads a config file with the given text (or none) under the given environment. */
const load = (text: string | undefined, env: Record<string, string> = {}) =>
  Effect.gen(function* () {
    const dir = yield* makeTempDir()
    const file = path.join(dir, "config.toml")
    if (text !== undefined) fs.writeFileSync(file, text)
    return yield* loadConfig().pipe(
      Effect.provide(Layer.mergeAll(DevvyPaths.at(dir, file), NodeFileSystem.layer)),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
      Effect.map((config) => ({ config, file })),
    )
  })

it.effect("a full config file loads with its values and the PAT held as Redacted", () =>
  Effect.gen(function* () {
    const { config } = yield* load(`
model = "github-copilot/claude-sonnet-4.6"
repo_url = "https://dev.azure.com/acme/shop/_git/web"
[ado]
org_url = "https://dev.azure.com/acme/"
project = "shop"
pat = "pat-secret-value"
[agent]
poll_interval_seconds = 5
max_fix_attempts = 1
ignore_authors = ["Build Service"]
[docker]
host = "tcp://127.0.0.1:2375"
[git]
author_name = "Robot"
`)
    assert.deepEqual(config.model, Option.some("github-copilot/claude-sonnet-4.6"))
    assert.deepEqual(config.ado.orgUrl, Option.some("https://dev.azure.com/acme"))
    assert.equal(Duration.toSeconds(config.agent.pollInterval), 5)
    assert.equal(config.agent.maxFixAttempts, 1)
    assert.deepEqual(config.agent.ignoreAuthors, ["Build Service"])
    assert.equal(config.docker.host, "tcp://127.0.0.1:2375")
    assert.equal(config.git.authorName, "Robot")
    assert.equal(config.git.authorEmail, "devvy@users.noreply.local")
    const pat = Option.getOrThrow(config.ado.pat)
    assert.equal(Redacted.value(pat), "pat-secret-value")
    assert.ok(!String(pat).includes("pat-secret-value"))
    assert.ok(!JSON.stringify(config).includes("pat-secret-value"))
  }))

it.effect("defaults fill every key the file leaves out", () =>
  Effect.gen(function* () {
    const { config } = yield* load(`model = "mock/m1"`)
    assert.equal(Duration.toSeconds(config.agent.pollInterval), 30)
    assert.equal(config.agent.maxFixAttempts, 3)
    assert.equal(Duration.toMinutes(config.agent.stallTimeout), 10)
    assert.equal(config.docker.host, "unix:///var/run/docker.sock")
    assert.equal(config.docker.workerImage, "devvy-worker:latest")
    assert.equal(config.docker.network, "bridge")
  }))

it.effect("environment variables win over the file, AZURE_DEVOPS_EXT_PAT included", () =>
  Effect.gen(function* () {
    const { config } = yield* load(`model = "mock/m1"\n[agent]\npoll_interval_seconds = 5\n`, {
      DEVVY_MODEL: "azure/gpt-4o",
      DEVVY_POLL_INTERVAL: "12",
      AZURE_DEVOPS_EXT_PAT: "from-env",
      DOCKER_HOST: "unix:///run/user/1000/docker.sock",
    })
    assert.deepEqual(config.model, Option.some("azure/gpt-4o"))
    assert.equal(Duration.toSeconds(config.agent.pollInterval), 12)
    assert.equal(Redacted.value(Option.getOrThrow(config.ado.pat)), "from-env")
    assert.equal(config.docker.host, "unix:///run/user/1000/docker.sock")
  }))

it.effect("max_check_fix_attempts defaults to 3, is read from [agent] and from DEVVY_MAX_CHECK_FIX_ATTEMPTS", () =>
  Effect.gen(function* () {
    assert.equal((yield* load(`model = "mock/m1"`)).config.agent.maxCheckFixAttempts, 3)
    const fromFile = yield* load(`[agent]\nmax_check_fix_attempts = 1\n`)
    assert.equal(fromFile.config.agent.maxCheckFixAttempts, 1)
    const fromEnv = yield* load(`[agent]\nmax_check_fix_attempts = 1\n`, { DEVVY_MAX_CHECK_FIX_ATTEMPTS: "5" })
    assert.equal(fromEnv.config.agent.maxCheckFixAttempts, 5)
    const error = yield* Effect.flip(load(`[agent]\nmax_check_fix_attempts = -1\n`))
    assert.match(error.message, /agent\.max_check_fix_attempts/)
  }))

it.effect("a wrong type names the file, the key and what was expected", () =>
  Effect.gen(function* () {
    const error = yield* Effect.flip(load(`[agent]\nmax_fix_attempts = "three"\n`))
    assert.equal(error._tag, "ConfigInvalid")
    assert.match(error.message, /config\.toml: key `agent\.max_fix_attempts`: Expected number, actual "three"/)
  }))

it.effect(
  "an out-of-range value and a malformed model are rejected with what was expected",
  () =>
    Effect.gen(function* () {
      const range = yield* Effect.flip(load(`[agent]\npoll_interval_seconds = 0\n`))
      assert.match(range.message, /key `agent\.poll_interval_seconds`: expected a number of at least 1, got 0/)
      const model = yield* Effect.flip(load(`model = "sonnet"\n`))
      assert.match(model.message, /key `model`: expected provider\/model/)
    }),
)

it.effect("an unknown key is reported with the keys its section knows", () =>
  Effect.gen(function* () {
    const error = yield* Effect.flip(load(`[docker]\nimage = "x"\n`))
    assert.equal(error._tag, "ConfigInvalid")
    assert.match(
      error.message,
      /key `docker\.image`: is not a known key \(known: host, worker_image, network, ca_bundle, workspace_mode\)/,
    )
  }), Layer.empty)

it.effect(
  "the workspace is bind-mounted for a unix:// engine and copied for a tcp:// one, unless set",
  () =>
    Effect.gen(function* () {
      assert.equal((yield* load(`model = "mock/m1"`)).config.docker.workspaceMode, "bind")
      assert.equal((yield* load(`[docker]\nhost = "tcp://10.0.0.2:2376"\n`)).config.docker.workspaceMode, "copy")
      const chosen = yield* load(`[docker]\nhost = "tcp://10.0.0.2:2376"\nworkspace_mode = "bind"\n`)
      assert.equal(chosen.config.docker.workspaceMode, "bind")
      const fromEnv = yield* load(`[docker]\nworkspace_mode = "bind"\n`, { DEVVY_WORKSPACE_MODE: "copy" })
      assert.equal(fromEnv.config.docker.workspaceMode, "copy")
    }),
  Layer.empty,
)

it.effect("a workspace mode other than bind or copy is refused, saying what each means", () =>
  Effect.gen(function* () {
    const error = yield* Effect.flip(load(`model = "mock/m1"\n`, { DEVVY_WORKSPACE_MODE: "rsync" }))
    assert.equal(error._tag, "ConfigInvalid")
    assert.match(
      error.message,
      /^environment variable DEVVY_WORKSPACE_MODE: key `docker\.workspace_mode`: expected "bind" .* or "copy" .*, got "rsync"/,
    )
  }))

it.effect("a bad environment value names the variable, not the file", () =>
  Effect.gen(function* () {
    const error = yield* Effect.flip(load(`model = "mock/m1"\n`, { DEVVY_POLL_INTERVAL: "soon" }))
    assert.match(error.message, /^environment variable DEVVY_POLL_INTERVAL: key `agent\.poll_interval_seconds`/)
  }))

it.effect("a file that is not TOML gives the line and column", () =>
  Effect.gen(function* () {
    const error = yield* Effect.flip(load(`model = "mock/m1"\n[ado\norg_url = 1\n`))
    assert.equal(error._tag, "ConfigSyntax")
    assert.match(error.message, /not valid TOML at line 2/)
  }))

it.effect(
  "a missing file loads, and asking it for a required key says to run devvy init",
  () =>
    Effect.gen(function* () {
      const { config, file } = yield* load(undefined)
      assert.equal(config.fileFound, false)
      const error = yield* Effect.flip(requireSetting(config, "model", config.model))
      assert.equal(error._tag, "ConfigMissing")
      assert.ok(error.message.includes(file) && error.message.includes("devvy init"))
    }),
)

it.effect("a file without a required key names the key and its environment variable", () =>
  Effect.gen(function* () {
    const { config } = yield* load(`repo_url = "/tmp/x"\n`)
    const error = yield* Effect.flip(requireSetting(config, "model", config.model))
    assert.equal(error._tag, "ConfigRequired")
    assert.match(error.message, /key `model` is required: .* DEVVY_MODEL/)
  }))

it.effect(
  "TLS to the engine follows the docker CLI: on with any DOCKER_TLS_VERIFY, certificates in ~/.docker by default",
  () =>
    Effect.gen(function* () {
      const plain = yield* load(undefined, { DOCKER_HOST: "tcp://10.0.0.5:2375", HOME: "/home/dev" })
      assert.equal(Option.isNone(plain.config.docker.tlsCertPath), true)
      const verified = yield* load(undefined, { DOCKER_TLS_VERIFY: "1", HOME: "/home/dev" })
      assert.deepEqual(verified.config.docker.tlsCertPath, Option.some("/home/dev/.docker"))
      const elsewhere = yield* load(undefined, { DOCKER_TLS_VERIFY: "yes", DOCKER_CERT_PATH: "/etc/devvy/certs" })
      assert.deepEqual(elsewhere.config.docker.tlsCertPath, Option.some("/etc/devvy/certs"))
    }),
)
