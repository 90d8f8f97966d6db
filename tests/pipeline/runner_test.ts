import assert from "node:assert/strict"
import { Cause, Effect, Exit, Option } from "effect"
import { driveTicket } from "../../src/pipeline/runner.ts"
import { AgentTimeout, AgentWorkerFailed } from "../../src/services/agent/AgentError.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { it } from "../support/effect_test.ts"
import { fakePipeline, logOf, ticketAt } from "./support/fake_pipeline.ts"
import { transitionLog } from "./support/review_driver.ts"

/** Drives a ticket left in PLAN whose agent run fails with `error`; what the runner made of it. */
const planFailingWith = (error: AgentWorkerFailed | AgentTimeout) =>
  Effect.gen(function* () {
    const { home, layer, runs } = yield* fakePipeline({ agent: () => Effect.fail(error) })
    return yield* Effect.gen(function* () {
      const ticket = yield* ticketAt(["PREPARE_ENV", "PLAN"], home)
      const log = transitionLog()
      const exit = yield* Effect.exit(driveTicket(ticket.id, log.record))
      const stored = yield* (yield* TicketStore).get(ticket.id)
      const lines = yield* logOf(ticket.id)
      return { exit, stored, lines, transitions: log.seen, runs: runs.length }
    }).pipe(Effect.provide(layer))
  })

const failure = <A, E>(exit: Exit.Exit<A, E>) => Exit.isFailure(exit) ? Cause.failureOption(exit.cause) : Option.none()

it.effect("an outage the agent's retries did not outlast pauses the ticket in its state, resumable, not FAILED", () =>
  Effect.gen(function* () {
    const outage = new AgentWorkerFailed({ worker: "worker", detail: "the engine went away" })
    const result = yield* planFailingWith(outage)
    const paused = failure(result.exit)
    assert.ok(Option.isSome(paused) && paused.value._tag === "TicketPaused", `not paused: ${result.exit}`)
    assert.equal(paused.value.state, "PLAN")
    const id = result.stored.id
    assert.ok(paused.value.message.endsWith(`Ticket ${id} stays in PLAN: \`devvy resume ${id}\` continues it`))
    assert.equal(result.stored.state, "PLAN")
    assert.equal(result.stored.error, null)
    assert.deepEqual(result.transitions, [])
    assert.equal(result.runs, 1)
    assert.ok(result.lines.includes(outage.message), "the outage is in the ticket's log")
  }))

it.effect("an error of the ticket's own FAILS it with the error's message, and the run ends in TicketFailed", () =>
  Effect.gen(function* () {
    const timeout = new AgentTimeout({ phase: "PLAN", seconds: 60 })
    const result = yield* planFailingWith(timeout)
    const failed = failure(result.exit)
    assert.ok(Option.isSome(failed) && failed.value._tag === "TicketFailed", `not failed: ${result.exit}`)
    assert.equal(result.stored.state, "FAILED")
    assert.equal(result.stored.error, timeout.message)
    assert.deepEqual(result.transitions, ["PLAN→FAILED"])
  }))
