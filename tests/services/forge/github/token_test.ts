import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import assert from "node:assert/strict"
import { ConfigProvider, Effect, Either, Layer, Option, Redacted } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { AppConfig, loadConfig } from "../../../../src/services/config/AppConfig.ts"
import { DevvyPaths } from "../../../../src/services/config/DevvyPaths.ts"
import { layer } from "../../../../src/services/forge/github/GitHubForge.ts"
import { configuredToken, ghAuthToken, resolveToken } from "../../../../src/services/forge/github/token.ts"
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

const GHE_API = "https://ghe.corp.example/api/v3"

it.effect(
  "an Enterprise Server host takes DEVVY_GITHUB_TOKEN, then GH_ENTERPRISE_TOKEN, then GITHUB_ENTERPRISE_TOKEN, then the file, never GH_TOKEN or GITHUB_TOKEN",
  () =>
    Effect.gen(function* () {
      const forHost = (apiUrl: string) => (config: typeof AppConfig.Service) =>
        Option.getOrUndefined(Option.map(configuredToken(config.github, apiUrl), Redacted.value))
      const ghe = forHost(GHE_API)
      const dotcom = forHost("https://api.github.com")
      const all = {
        DEVVY_GITHUB_TOKEN: "devvy",
        GH_ENTERPRISE_TOKEN: "gh-enterprise",
        GITHUB_ENTERPRISE_TOKEN: "github-enterprise",
        GH_TOKEN: "gh",
        GITHUB_TOKEN: "github",
      }
      assert.equal(ghe(yield* load(fileWithToken, all)), "devvy")
      const { DEVVY_GITHUB_TOKEN: _, ...noDevvy } = all
      assert.equal(ghe(yield* load(fileWithToken, noDevvy)), "gh-enterprise")
      const { GH_ENTERPRISE_TOKEN: __, ...noGhEnterprise } = noDevvy
      assert.equal(ghe(yield* load(fileWithToken, noGhEnterprise)), "github-enterprise")
      // github.com's variables are not sent to another server: the file's token is, else gh's for that host.
      const dotcomOnly = { GH_TOKEN: "gh", GITHUB_TOKEN: "github" }
      assert.equal(ghe(yield* load(fileWithToken, dotcomOnly)), "from-file")
      assert.equal(ghe(yield* load("", dotcomOnly)), undefined)
      // ...and github.com does not take the Enterprise pair.
      const enterpriseOnly = { GH_ENTERPRISE_TOKEN: "gh-enterprise", GITHUB_ENTERPRISE_TOKEN: "github-enterprise" }
      assert.equal(dotcom(yield* load(fileWithToken, enterpriseOnly)), "from-file")
      assert.equal(dotcom(yield* load("", enterpriseOnly)), undefined)
      const loaded = yield* load("", { GH_ENTERPRISE_TOKEN: "enterprise-secret" })
      assert.ok(!JSON.stringify(loaded).includes("enterprise-secret"), "the token stays Redacted")
      const empty = yield* Effect.flip(load(fileWithToken, { GH_ENTERPRISE_TOKEN: "" }))
      assert.match(empty.message, /environment variable GH_ENTERPRISE_TOKEN.*github\.token.*empty/)
      const badFile = yield* Effect.flip(load(`[github]\ntoken = 7\n`, { GH_TOKEN: "gh" }))
      assert.match(badFile.message, /config\.toml: key `github\.token`/)
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
      const fallback = yield* resolveToken(Option.none(), GHE_API, gh)
      assert.equal(Option.getOrUndefined(Option.map(fallback, Redacted.value)), "from-gh")
      yield* resolveToken(Option.none(), "https://api.github.com", gh)
      assert.deepEqual(asked, ["ghe.corp.example", "github.com"])
    }),
  Layer.empty,
)

it.effect(
  "gh is run as `gh auth token --hostname HOST` and its token read from stdout",
  () =>
    Effect.gen(function* () {
      const dir = yield* makeTempDir()
      const argsFile = path.join(dir, "args")
      fs.writeFileSync(
        path.join(dir, "gh"),
        `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\necho "  gho_from_gh_for_$4  "\n`,
        { mode: 0o755 },
      )
      const before = Deno.env.get("PATH") ?? ""
      yield* Effect.acquireRelease(
        Effect.sync(() => Deno.env.set("PATH", `${dir}:${before}`)),
        () => Effect.sync(() => Deno.env.set("PATH", before)),
      )
      const gh = yield* ghAuthToken.pipe(
        Effect.provide(NodeCommandExecutor.layer),
        Effect.provide(NodeFileSystem.layer),
      )
      const token = yield* resolveToken(Option.none(), GHE_API, gh)
      assert.deepEqual(fs.readFileSync(argsFile, "utf8").split("\n"), [
        "auth",
        "token",
        "--hostname",
        "ghe.corp.example",
        "",
      ])
      assert.equal(Option.getOrUndefined(Option.map(token, Redacted.value)), "gho_from_gh_for_ghe.corp.example")
      yield* resolveToken(Option.none(), "https://api.github.com", gh)
      assert.match(fs.readFileSync(argsFile, "utf8"), /^auth\ntoken\n--hostname\ngithub\.com\n$/)
    }).pipe(Effect.scoped),
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
    assert.match(error.message, /gh auth login --hostname github\.com/)
  }), Layer.empty)

it.effect(
  "on Enterprise Server the layer uses the Enterprise token, and without one names the Enterprise variables",
  () =>
    Effect.gen(function* () {
      const fake = makeFake()
      fake.on("GET", "/api/v3/repos/octo/web", { body: repoPayload })
      const gh = () => Effect.succeed(Option.none())
      const onGhe = (github: Partial<typeof AppConfig.Service["github"]>) => {
        const config = testConfig({ github: { apiUrl: GHE_API, ...github } })
        const repo = parseTicketRepoUrl("https://ghe.corp.example/octo/web", config)
        assert.ok(Either.isRight(repo) && repo.right instanceof GitHubRepoUrl)
        return Effect.provide(
          Forge,
          layer(repo.right, gh).pipe(
            Layer.provide(Layer.mergeAll(Layer.succeed(AppConfig, config), fake.layer, NodeCommandExecutor.layer)),
            Layer.provide(NodeFileSystem.layer),
          ),
        )
      }
      const forge = yield* onGhe({
        token: Option.some(Redacted.make("github-com")),
        enterpriseToken: Option.some(Redacted.make("enterprise")),
      })
      yield* forge.repository
      assert.equal(fake.requests[0].headers["authorization"], "Bearer enterprise")
      const error = yield* Effect.flip(
        onGhe({ token: Option.some(Redacted.make("github-com")), enterpriseToken: Option.none() }),
      )
      assert.match(error.message, /GH_ENTERPRISE_TOKEN or GITHUB_ENTERPRISE_TOKEN/)
      assert.match(error.message, /gh auth login --hostname ghe\.corp\.example/)
      assert.doesNotMatch(error.message, /GH_TOKEN/)
    }),
  Layer.empty,
)

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
