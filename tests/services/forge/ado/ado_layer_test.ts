import assert from "node:assert/strict"
import { Effect, Layer, Option, Redacted } from "effect"
import { AppConfig, type AppConfigShape } from "../../../../src/services/config/AppConfig.ts"
import { layer } from "../../../../src/services/forge/ado/AdoForge.ts"
import { Forge } from "../../../../src/services/forge/Forge.ts"
import { parseTicketRepoUrl } from "../../../../src/services/forge/forge_for.ts"
import { startAdoEmulator } from "../../../support/ado_emulator/emulator.ts"
import { it } from "../../../support/effect_test.ts"
import { testConfig } from "../../../support/test_config.ts"
import { HttpLive, PAT } from "./fixture.ts"

const config = (ado: Partial<AppConfigShape["ado"]>): AppConfigShape => testConfig({ ado })

/** The URL parsed as the runner parses it, then the Azure DevOps forge built from it. */
const forgeFor = (repoUrl: string, shape: AppConfigShape) =>
  Effect.flatMap(
    parseTicketRepoUrl(repoUrl, shape),
    (repo) =>
      repo._tag === "AdoRepoUrl"
        ? Effect.provide(
          Forge,
          layer(repo).pipe(Layer.provide(Layer.succeed(AppConfig, shape)), Layer.provide(HttpLive)),
        )
        : Effect.dieMessage(`${repoUrl} is not an Azure DevOps URL`),
  )

it.live(
  "the layer builds the forge from the repository URL alone when the config has only the PAT",
  () =>
    Effect.gen(function* () {
      const emulator = yield* startAdoEmulator({ pat: PAT, project: "My Project", repos: [{ name: "web", files: {} }] })
      const forge = yield* forgeFor(emulator.repoUrl("web"), config({ pat: Option.some(Redacted.make(PAT)) }))
      assert.equal(forge.kind, "ado")
      assert.equal((yield* forge.repository).cloneUrl, emulator.repoUrl("web"))
    }),
)

it.live(
  "the configured organization URL and project settle a URL that leaves the project out",
  () =>
    Effect.gen(function* () {
      const emulator = yield* startAdoEmulator({ pat: PAT, project: "Fiber", repos: [{ name: "web", files: {} }] })
      const forge = yield* forgeFor(
        `${emulator.orgUrl}/_git/web`,
        config({
          orgUrl: Option.some(emulator.orgUrl),
          project: Option.some("Fiber"),
          pat: Option.some(Redacted.make(PAT)),
        }),
      )
      assert.equal((yield* forge.repository).name, "web")
    }),
)

it.live("without a PAT the layer fails naming the setting to add", () =>
  Effect.gen(function* () {
    const error = yield* Effect.flip(forgeFor("https://dev.azure.com/org/proj/_git/repo", config({})))
    assert.equal(error._tag, "ConfigRequired")
    assert.match(error.message, /ado\.pat/)
  }))

it.live(
  "a local path is read as the local forge's, never as an Azure DevOps repository",
  () =>
    Effect.gen(function* () {
      const repo = yield* parseTicketRepoUrl("/srv/repo", config({ orgUrl: Option.some("https://dev.azure.com/org") }))
      assert.equal(repo._tag, "LocalRepoUrl")
    }),
)
