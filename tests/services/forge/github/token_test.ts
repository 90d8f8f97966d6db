import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import assert from "node:assert/strict"
import { ConfigProvider, Effect, Either, Layer, Option, Redacted } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { AppConfig, loadConfig } from "../../../../src/services/config/AppConfig.ts"
import { DevvyPaths } from "../../../../src/services/config/DevvyPaths.ts"
import { layer } from "../../../../src/services/forge/github/GitHubForge.ts"
import { ghHostOf, resolveToken } from "../../../../src/services/forge/github/token.ts"
import { Forge } from "../../../../src/services/forge/Forge.ts"
import { forgeLayerFor, parseTicketRepoUrl } from "../../../../src/services/forge/forge_for.ts"
import { GitHubRepoUrl } from "../../../../src/services/forge/repo_url.ts"
import { it } from "../../../support/effect_test.ts"
import { makeTempDir, storeAt } from "../../../support/temp_home.ts"
import { LocalPullRequests } from "../../../../src/services/forge/local/LocalPullRequests.ts"
import { testConfig } from "../../../support/test_config.ts"
import { makeFake, repoPayload } from "./fake_github.ts"

const load = (text: string, env: Record<string, string>) =>
  Effect.gen(function* () {
    const dir = yield* makeTempDir()
    const file = path.join(dir, "config.toml")
    fs.writeFileSync(file, text)
    return yield* loadConfig().pipe(
      Effect.provide(Layer.mergeAll(DevvyPaths.at(dir, file), NodeFileSystem.layer)),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))),
    )
  })

const tokenOf = (config: { readonly github: { readonly token: Option.Option<Redacted.Redacted<string>> } }) =>
  Option.getOrUndefined(Option.map(config.github.token, Redacted.value))

/** The URL parsed as the runner parses it: a GitHub repository, or the test fails. */
const githubRepo = (url: string) => {
  const parsed = parseTicketRepoUrl(url, testConfig())
  assert.ok(Either.isRight(parsed) && parsed.right instanceof GitHubRepoUrl, `${url} is a GitHub URL`)
  return parsed.right
}

const fileWithToken = `[github]\ntoken = "from-file"\n`

it.effect(
  "the environment wins over the file: DEVVY_GITHUB_TOKEN, then GH_TOKEN, then GITHUB_TOKEN",
  () =>
    Effect.gen(function* () {
      const all = { DEVVY_GITHUB_TOKEN: "devvy", GH_TOKEN: "gh", GITHUB_TOKEN: "github" }
      assert.equal(tokenOf(yield* load(fileWithToken, all)), "devvy")
      assert.equal(tokenOf(yield* load(fileWithToken, { GH_TOKEN: "gh", GITHUB_TOKEN: "github" })), "gh")
      assert.equal(tokenOf(yield* load(fileWithToken, { GITHUB_TOKEN: "github" })), "github")
      assert.equal(tokenOf(yield* load(fileWithToken, {})), "from-file")
    }),
  Layer.empty,
)

it.effect(
  "the [github] table has defaults, its own environment variables, and reports unknown keys",
  () =>
    Effect.gen(function* () {
      const defaults = yield* load("", {})
      assert.equal(defaults.github.apiUrl, "https://api.github.com")
      assert.deepEqual(defaults.github.trustedAssociations, ["OWNER", "MEMBER", "COLLABORATOR"])
      assert.equal(defaults.github.watchLabel, "devvy")
      const set = yield* load(
        `[github]\napi_url = "https://ghe.corp.example/api/v3/"\ntrusted_associations = ["OWNER"]\n`,
        {
          DEVVY_GITHUB_WATCH_LABEL: "agent",
        },
      )
      assert.equal(set.github.apiUrl, "https://ghe.corp.example/api/v3")
      assert.deepEqual(set.github.trustedAssociations, ["OWNER"])
      assert.equal(set.github.watchLabel, "agent")
      const unknown = yield* Effect.flip(load(`[github]\ntokn = "x"\n`, {}))
      assert.match(unknown.message, /github\.tokn.*is not a known key.*token/)
      const badAssociation = yield* Effect.flip(load(`[github]\ntrusted_associations = ["ADMIN"]\n`, {}))
      assert.match(badAssociation.message, /OWNER, MEMBER, COLLABORATOR/)
    }),
  Layer.empty,
)

it.effect(
  "gh auth token is asked, for the API's host, only when no token is configured",
  () =>
    Effect.gen(function* () {
      const asked: Array<string> = []
      const gh = (host: string) => Effect.sync(() => (asked.push(host), Option.some(Redacted.make("from-gh"))))
      const configured = yield* resolveToken(Option.some(Redacted.make("configured")), "https://api.github.com", gh)
      assert.equal(Option.getOrUndefined(Option.map(configured, Redacted.value)), "configured")
      assert.deepEqual(asked, [])
      const fallback = yield* resolveToken(Option.none(), "https://ghe.corp.example/api/v3", gh)
      assert.equal(Option.getOrUndefined(Option.map(fallback, Redacted.value)), "from-gh")
      assert.deepEqual(asked, ["ghe.corp.example"])
      assert.equal(ghHostOf("https://api.github.com"), "github.com")
    }),
  Layer.empty,
)

it.effect("the layer builds a GitHub forge from a github.com URL with gh's token", () =>
  Effect.gen(function* () {
    const fake = makeFake()
    fake.on("GET", "/repos/octo/web", { body: repoPayload })
    const gh = () => Effect.succeed(Option.some(Redacted.make("from-gh")))
    const forge = yield* Effect.provide(
      Forge,
      layer(githubRepo("git@github.com:octo/web.git"), gh).pipe(
        Layer.provide(Layer.mergeAll(Layer.succeed(AppConfig, testConfig()), fake.layer, NodeCommandExecutor.layer)),
        Layer.provide(NodeFileSystem.layer),
      ),
    )
    assert.equal(forge.kind, "github")
    assert.equal((yield* forge.repository).cloneUrl, "https://github.com/octo/web.git")
    assert.equal(fake.requests[0].headers["authorization"], "Bearer from-gh")
  }), Layer.empty)

it.effect("with no token anywhere the layer says which settings to set", () =>
  Effect.gen(function* () {
    const fake = makeFake()
    const gh = () => Effect.succeed(Option.none())
    const error = yield* Effect.flip(Effect.provide(
      Forge,
      layer(githubRepo("https://github.com/octo/web"), gh).pipe(
        Layer.provide(Layer.mergeAll(Layer.succeed(AppConfig, testConfig()), fake.layer, NodeCommandExecutor.layer)),
        Layer.provide(NodeFileSystem.layer),
      ),
    ))
    assert.match(error.message, /github\.token/)
    assert.match(error.message, /GH_TOKEN/)
  }), Layer.empty)

it.effect("the forge for a github.com repository URL is GitHub's", () =>
  Effect.gen(function* () {
    const config = testConfig({ github: { token: Option.some(Redacted.make("t")) } })
    const forge = yield* Effect.provide(
      Forge,
      forgeLayerFor(githubRepo("https://github.com/octo/web")).pipe(
        Layer.provide(Layer.mergeAll(Layer.succeed(AppConfig, config), makeFake().layer, NodeCommandExecutor.layer)),
        Layer.provide(NodeFileSystem.layer),
        // The local forge's records are not reached for a GitHub URL.
        Layer.provide(LocalPullRequests.Default.pipe(Layer.provide(storeAt(yield* makeTempDir())))),
      ),
    )
    assert.equal(forge.kind, "github")
  }), Layer.empty)
