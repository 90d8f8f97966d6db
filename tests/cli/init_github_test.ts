import assert from "node:assert/strict"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { devvy } from "../support/devvy_cli.ts"
import { it } from "../support/effect_test.ts"
import { makeTempDir } from "../support/temp_home.ts"

const TOKEN = "ghp_" + "x".repeat(36)

/** A stand-in for GitHub's `GET /user` and `GET /repos/octo/web`, checking the bearer token; closed with the test. */
const fakeGitHub = Effect.acquireRelease(
  Effect.sync(() => {
    const seen: Array<string> = []
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
      const url = new URL(request.url)
      seen.push(`${request.method} ${url.pathname}`)
      const json = (status: number, body: unknown) =>
        new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })
      if (request.headers.get("authorization") !== `Bearer ${TOKEN}`) return json(401, { message: "Bad credentials" })
      if (url.pathname === "/api/v3/user") return json(200, { id: 7, login: "octocat", type: "User" })
      if (url.pathname === "/api/v3/repos/octo/web") {
        return json(200, {
          name: "web",
          full_name: "octo/web",
          default_branch: "trunk",
          clone_url: "x",
          html_url: "x",
          owner: { login: "octo" },
        })
      }
      return json(404, { message: "Not Found" })
    })
    return { server, seen, apiUrl: `http://127.0.0.1:${server.addr.port}/api/v3` }
  }),
  ({ server }) => Effect.promise(() => server.shutdown()),
)

const initArgs = (apiUrl: string, token: string) => [
  "init",
  "--check",
  "--model",
  "mock/m1",
  "--forge",
  "github",
  "--github-api-url",
  apiUrl,
  "--github-token",
  token,
  "--repo-url",
  apiUrl.replace("/api/v3", "/octo/web.git"),
]

it.live(
  "init --forge github --check signs in with the token and finds the repository before saving",
  () =>
    Effect.gen(function* () {
      const github = yield* fakeGitHub
      const home = yield* makeTempDir()
      const result = yield* Effect.promise(() => devvy(home, initArgs(github.apiUrl, TOKEN)))
      assert.equal(result.code, 0, result.stderr)
      assert.match(result.stdout, /signed in to .* as octocat/)
      assert.match(result.stdout, /Repository octo\/web found; default branch trunk/)
      assert.deepEqual(github.seen, ["GET /api/v3/user", "GET /api/v3/repos/octo/web"])
      const written = fs.readFileSync(path.join(home, "config.toml"), "utf8")
      assert.match(written, /\[github\]/)
      assert.match(written, /api_url = "http:\/\/127\.0\.0\.1:\d+\/api\/v3"/)
      assert.ok(!written.includes("[ado]"), "no Azure DevOps questions were asked or saved")
    }),
  Layer.empty,
)

it.live(
  "init --forge github --check with a wrong token exits 2 saying to check the token, and writes nothing",
  () =>
    Effect.gen(function* () {
      const github = yield* fakeGitHub
      const home = yield* makeTempDir()
      const result = yield* Effect.promise(() => devvy(home, initArgs(github.apiUrl, "ghp_wrong")))
      assert.equal(result.code, 2)
      assert.match(result.stderr, /authentication failed .*check the token/)
      assert.equal(fs.existsSync(path.join(home, "config.toml")), false)
      assert.ok(!(result.stdout + result.stderr).includes("ghp_wrong"))
    }),
  Layer.empty,
)

it.live("an Azure DevOps flag with --forge github is refused as a usage error", () =>
  Effect.gen(function* () {
    const home = yield* makeTempDir()
    const result = yield* Effect.promise(() =>
      devvy(home, ["init", "--model", "mock/m1", "--forge", "github", "--pat", "p"])
    )
    assert.equal(result.code, 2)
    assert.match(result.stderr, /--pat is not for --forge github/)
  }), Layer.empty)
