import assert from "node:assert/strict"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { startAdoEmulator } from "../support/ado_emulator/emulator.ts"
import { devvy } from "../support/devvy_cli.ts"
import { it } from "../support/effect_test.ts"
import { makeTempDir } from "../support/temp_home.ts"

const initArgs = (orgUrl: string, pat: string, repoUrl: string) => [
  "init",
  "--check",
  "--model",
  "mock/m1",
  "--org-url",
  orgUrl,
  "--project",
  "proj",
  "--pat",
  pat,
  "--repo-url",
  repoUrl,
]

it.live(
  "init --check signs in to Azure DevOps with the PAT and finds the repository before saving",
  () =>
    Effect.gen(function* () {
      const ado = yield* startAdoEmulator({ pat: "good-pat", repos: [{ name: "web", files: { "README.md": "hi" } }] })
      const home = yield* makeTempDir()
      const result = yield* Effect.promise(() => devvy(home, initArgs(ado.orgUrl, "good-pat", ado.repoUrl("web"))))
      assert.equal(result.code, 0, result.stderr)
      assert.match(result.stdout, new RegExp(`signed in as ${ado.owner.displayName}`))
      assert.match(result.stdout, /Repository web found; default branch main/)
      assert.ok(fs.existsSync(path.join(home, "config.toml")))
    }),
)

it.live(
  "init --check with a wrong PAT exits 2 saying to check the PAT, and writes nothing",
  () =>
    Effect.gen(function* () {
      const ado = yield* startAdoEmulator({ pat: "good-pat", repos: [{ name: "web" }] })
      const home = yield* makeTempDir()
      const result = yield* Effect.promise(() => devvy(home, initArgs(ado.orgUrl, "wrong-pat", ado.repoUrl("web"))))
      assert.equal(result.code, 2)
      assert.match(result.stderr, /authentication failed .*check the PAT/)
      assert.equal(fs.existsSync(path.join(home, "config.toml")), false)
      assert.ok(!(result.stdout + result.stderr).includes("wrong-pat"))
    }),
)
