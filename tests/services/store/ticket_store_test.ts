import assert from "node:assert/strict"
import { Effect, Exit } from "effect"
import { TicketId } from "../../../src/domain/TicketId.ts"
import { TicketLog } from "../../../src/services/store/TicketLog.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { it } from "../../support/effect_test.ts"
import { TempStore } from "../../support/temp_home.ts"

const newTicket = {
  title: "Add a health check",
  description: "GET /health answers 200",
  repoUrl: "/tmp/repo",
  model: "mock/m1",
}

it.effect(
  "a created ticket starts in RECEIVED on its agent branch with one history row",
  () =>
    Effect.gen(function* () {
      const store = yield* TicketStore
      const ticket = yield* store.create(newTicket)
      assert.match(ticket.id, /^[0-9a-f]{6}$/)
      assert.equal(ticket.state, "RECEIVED")
      assert.equal(ticket.branch, `agent/${ticket.id}`)
      const history = yield* store.history(ticket.id)
      assert.deepEqual(history.map((h) => [h.from, h.to]), [[null, "RECEIVED"]])
    }),
  TempStore,
)

it.effect(
  "a legal transition is stored with its history and an illegal one fails with IllegalTransition",
  () =>
    Effect.gen(function* () {
      const store = yield* TicketStore
      const { id } = yield* store.create(newTicket)
      yield* store.transition(id, "PREPARE_ENV")
      const illegal = yield* Effect.exit(store.transition(id, "MERGED"))
      assert.ok(Exit.isFailure(illegal))
      const error = yield* Effect.flip(store.transition(id, "CREATE_PR"))
      assert.equal(error._tag, "IllegalTransition")
      assert.match(error.message, /PREPARE_ENV cannot move to CREATE_PR/)
      assert.equal((yield* store.get(id)).state, "PREPARE_ENV")
      const history = yield* store.history(id)
      assert.deepEqual(history.map((h) => h.to), ["RECEIVED", "PREPARE_ENV"])
    }),
  TempStore,
)

it.effect("FAILED keeps the error and a terminal ticket leaves the default listing", () =>
  Effect.gen(function* () {
    const store = yield* TicketStore
    const a = yield* store.create(newTicket)
    const b = yield* store.create({ ...newTicket, title: "second" })
    yield* store.transition(a.id, "FAILED", { error: "clone failed: repository not found" })
    const failed = yield* store.get(a.id)
    assert.equal(failed.error, "clone failed: repository not found")
    assert.deepEqual((yield* store.list({ all: false })).map((t) => t.id), [b.id])
    assert.equal((yield* store.list({ all: true })).length, 2)
  }), TempStore)

it.effect(
  "a listing carries what ps shows of each ticket, and not its description or error",
  () =>
    Effect.gen(function* () {
      const store = yield* TicketStore
      const created = yield* store.create({ ...newTicket, description: "a long description ".repeat(500) })
      yield* store.update(created.id, { prNumber: 7, prUrl: "https://example.test/pr/7" })
      const [listed] = yield* store.list({ all: false })
      assert.deepEqual(listed, {
        id: created.id,
        title: created.title,
        state: "RECEIVED",
        branch: `agent/${created.id}`,
        prNumber: 7,
        prUrl: "https://example.test/pr/7",
        source: null,
        createdAt: created.createdAt,
        updatedAt: listed?.updatedAt,
        stopped: null,
      })
    }),
  TempStore,
)

it.effect(
  "update records the pull request and session, and an unknown id is TicketNotFound",
  () =>
    Effect.gen(function* () {
      const store = yield* TicketStore
      const { id } = yield* store.create(newTicket)
      const updated = yield* store.update(id, { prNumber: 7, prUrl: "http://x/pr/7", opencodeSession: "ses_1" })
      assert.equal(updated.prNumber, 7)
      assert.equal(updated.opencodeSession, "ses_1")
      const missing = yield* Effect.flip(store.get(TicketId.make("abcdef")))
      assert.equal(missing._tag, "TicketNotFound")
    }),
  TempStore,
)

it.effect(
  "log lines come back in order, and a follower reads only what came after its position",
  () =>
    Effect.gen(function* () {
      const store = yield* TicketStore
      const log = yield* TicketLog
      const { id } = yield* store.create(newTicket)
      yield* log.append(id, "RECEIVED", "info", "checked the ticket")
      yield* log.append(id, "PREPARE_ENV", "info", "cloning")
      const all = yield* log.read(id)
      assert.deepEqual(all.map((l) => l.line.message), ["checked the ticket", "cloning"])
      yield* log.append(id, "PREPARE_ENV", "warn", "slow clone")
      const after = yield* log.read(id, { afterSeq: all[1].seq })
      assert.deepEqual(after.map((l) => [l.line.phase, l.line.level, l.line.message]), [[
        "PREPARE_ENV",
        "warn",
        "slow clone",
      ]])
    }),
  TempStore,
)

it.effect(
  "one live ticket per work item: a second fails naming the first, and one can follow once the first has ended",
  () =>
    Effect.gen(function* () {
      const store = yield* TicketStore
      const source = { forge: "ado" as const, id: "42", url: "https://dev.azure.com/o/p/_workitems/edit/42" }
      const first = yield* store.create({ ...newTicket, source, watched: true })
      assert.deepEqual(first.source, source)
      const racing = yield* Effect.all([1, 2, 3].map(() => Effect.either(store.create({ ...newTicket, source }))), {
        concurrency: "unbounded",
      })
      for (const outcome of racing) {
        assert.ok(outcome._tag === "Left" && outcome.left._tag === "TicketForSourceExists")
        assert.equal(outcome.left.existing, first.id)
      }
      assert.deepEqual(yield* store.watched(), [first.id])
      yield* store.transition(first.id, "FAILED", { error: "x" })
      assert.deepEqual(yield* store.watched(), [])
      const next = yield* store.create({ ...newTicket, source })
      assert.notEqual(next.id, first.id)
      assert.equal((yield* store.list({ all: true })).length, 2)
    }),
  TempStore,
)
