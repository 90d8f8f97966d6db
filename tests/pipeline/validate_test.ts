import assert from "node:assert/strict"
import { Effect, Either, Layer } from "effect"
import { validate } from "../../src/pipeline/validate.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { inTicketLog } from "../../src/services/store/TicketLogger.ts"
import { it } from "../support/effect_test.ts"
import { makeMemoryForge } from "../support/memory_forge.ts"
import { fakePipeline, ticketAt } from "./support/fake_pipeline.ts"

const toValidate = ["PREPARE_ENV", "PLAN", "IMPLEMENT", "VALIDATE"] as const

/** VALIDATE with the scripts exiting as given and at most two fixes, for a ticket that already used `fixesUsed`. */
const validateAfter = (fixesUsed: number, scripts: Readonly<Record<string, number>>) =>
  Effect.gen(function* () {
    const { layer, runs, execs } = yield* fakePipeline({ scripts, settings: { DEVVY_MAX_FIX_ATTEMPTS: "2" } })
    const { layer: forge } = yield* makeMemoryForge([])
    return yield* Effect.gen(function* () {
      const store = yield* TicketStore
      const ticket = yield* ticketAt(toValidate)
      // What a driver that died during its first fix left in the store.
      yield* store.update(ticket.id, { retryCount: fixesUsed })
      const outcome = yield* Effect.either(validate(ticket).pipe(inTicketLog(ticket.id, "VALIDATE")))
      return { outcome, runs, execs, stored: yield* store.get(ticket.id) }
    }).pipe(Effect.provide(Layer.merge(layer, forge)))
  })

it.effect("a VALIDATE resumed after one fix counts it: one more fix of two, then it fails naming both", () =>
  Effect.gen(function* () {
    const result = yield* validateAfter(1, { "src/scripts/run-tests.sh": 1 })
    assert.equal(result.runs.length, 1, "one fix is asked for, not max_fix_attempts more")
    assert.match(result.runs[0].prompt, /`src\/scripts\/run-tests\.sh` exited with code 1 \(fix attempt 2 of 2\)/)
    assert.equal(result.runs[0].phase, "VALIDATE")
    assert.ok(result.outcome._tag === "Left" && result.outcome.left._tag === "TicketRejected")
    assert.equal(
      result.outcome.left.message,
      "validation failed after 2 fix attempts: src/scripts/run-tests.sh exited with 1",
    )
    assert.equal(result.stored.retryCount, 2)
    assert.deepEqual(result.execs, ["src/scripts/run-tests.sh", "src/scripts/run-tests.sh"])
  }))

it.effect("a VALIDATE that passes clears the fixes counted so far and goes on to CREATE_PR", () =>
  Effect.gen(function* () {
    const result = yield* validateAfter(1, { "src/scripts/format.sh": 3, "src/scripts/run-tests.sh": 0 })
    assert.ok(Either.isRight(result.outcome), String(result.outcome))
    assert.equal(result.outcome.right, "CREATE_PR")
    assert.equal(result.runs.length, 0, "a failing format.sh is not fatal: no fix is asked for")
    assert.equal(result.stored.retryCount, 0)
    assert.deepEqual(result.execs, ["src/scripts/format.sh", "src/scripts/run-tests.sh"])
  }))
