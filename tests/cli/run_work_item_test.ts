import assert from "node:assert/strict"
import { Effect, Layer } from "effect"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { startAdoEmulator } from "../support/ado_emulator/emulator.ts"
import { cli } from "../support/devvy_cli.ts"
import { it } from "../support/effect_test.ts"
import { makeTempDir, storeAt } from "../support/temp_home.ts"

const pat = "work-item-pat-5d2e"

const setup = Effect.gen(function* () {
  const ado = yield* startAdoEmulator({ pat, repos: [{ name: "web", files: { "README.md": "# web\n" } }] })
  const home = yield* makeTempDir()
  const run = cli(home, {
    DEVVY_ADO_ORG_URL: ado.orgUrl,
    DEVVY_ADO_PROJECT: ado.project,
    DEVVY_ADO_PAT: pat,
    DEVVY_MODEL: "mock/m1",
    DEVVY_REPO_URL: ado.repoUrl("web"),
  })
  return { ado, home, run }
})

const liveTickets = (home: string) =>
  Effect.flatMap(TicketStore, (store) => store.list({ all: true })).pipe(Effect.provide(storeAt(home)))

it.live(
  "--title or --description with --work-item is a usage error, and nothing is read or created",
  () =>
    Effect.gen(function* () {
      const { ado, home, run } = yield* setup
      const id = yield* ado.addWorkItem({ title: "Fix login" })
      const result = yield* run("run", "--work-item", String(id), "--title", "Other")
      assert.equal(result.code, 2)
      assert.match(result.stderr, /--title cannot go with --work-item/)
      assert.equal((yield* ado.requests).length, 0)
      assert.deepEqual(yield* liveTickets(home), [])
    }),
  Layer.empty,
)

it.live(
  "a work item that does not exist is exit 2 naming it, before any ticket is created",
  () =>
    Effect.gen(function* () {
      const { ado, home, run } = yield* setup
      const result = yield* run("run", "--work-item", `${ado.orgUrl}/${ado.project}/_workitems/edit/77`)
      assert.equal(result.code, 2)
      assert.match(result.stderr, /cannot read work item 77 \(.*\/_workitems\/edit\/77\)/)
      assert.deepEqual(yield* liveTickets(home), [])
      assert.ok(!(result.stdout + result.stderr).includes(pat))
    }),
  Layer.empty,
)

it.live(
  "a second run for a work item with a live ticket prints that ticket's id and exits 2",
  () =>
    Effect.gen(function* () {
      const { ado, home, run } = yield* setup
      const id = yield* ado.addWorkItem({ title: "Fix login", type: "Bug", reproSteps: "<ol><li>Log in</li></ol>" })
      const existing = yield* Effect.flatMap(TicketStore, (store) =>
        store.create({
          title: "Fix login",
          description: "",
          repoUrl: ado.repoUrl("web"),
          model: "mock/m1",
          source: { forge: "ado", id: String(id), url: `${ado.orgUrl}/${ado.project}/_workitems/edit/${id}` },
        })).pipe(Effect.provide(storeAt(home)))
      const result = yield* run("run", "--work-item", String(id), "-d")
      assert.equal(result.code, 2, result.stderr)
      assert.equal(result.stdout.trim(), existing.id)
      assert.match(result.stderr, new RegExp(`already has a live ticket, ${existing.id}`))
      assert.equal((yield* liveTickets(home)).length, 1)
    }),
  Layer.empty,
)
