import assert from "node:assert/strict"
import { Effect, Layer, Redacted } from "effect"
import type { TicketId } from "../../../src/domain/TicketId.ts"
import { TicketLog } from "../../../src/services/store/TicketLog.ts"
import { inTicketLog, TicketLogger, TicketLoggerLive } from "../../../src/services/store/TicketLogger.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { it } from "../../support/effect_test.ts"
import { TempStore } from "../../support/temp_home.ts"

const newTicket = { title: "Add /health", description: "200", repoUrl: "/tmp/r", model: "mock/m1" }

const stored = (id: TicketId) =>
  Effect.flatMap(TicketLog, (log) => log.read(id)).pipe(
    Effect.map((lines) => lines.map(({ line }) => [line.phase, line.level, line.message])),
  )

it.effect(
  "lines logged in a ticket's phase reach its log at their level, in order, when the logger flushes",
  () =>
    Effect.gen(function* () {
      const { id } = yield* (yield* TicketStore).create(newTicket)
      const other = yield* (yield* TicketStore).create(newTicket)
      yield* Effect.gen(function* () {
        yield* Effect.logDebug("looking around")
        yield* Effect.logInfo("plan ready")
        yield* Effect.logWarning("slow model")
        yield* Effect.logError("model refused")
      }).pipe(inTicketLog(id, "PLAN"))
      yield* Effect.logInfo("about another ticket").pipe(inTicketLog(other.id, "IMPLEMENT"))
      yield* Effect.logInfo("about no ticket")
      assert.deepEqual(yield* stored(id), [], "lines wait for the next flush")

      yield* (yield* TicketLogger).flush
      assert.deepEqual(yield* stored(id), [
        ["PLAN", "debug", "looking around"],
        ["PLAN", "info", "plan ready"],
        ["PLAN", "warn", "slow model"],
        ["PLAN", "error", "model refused"],
      ])
      assert.deepEqual(yield* stored(other.id), [["IMPLEMENT", "info", "about another ticket"]])
    }),
  TicketLoggerLive.pipe(Layer.provideMerge(TempStore)),
)

it.effect(
  "a secret handed to a log call is stored redacted",
  () =>
    Effect.gen(function* () {
      const { id } = yield* (yield* TicketStore).create(newTicket)
      yield* Effect.logInfo("pushing with", Redacted.make("pat-s3cret")).pipe(inTicketLog(id, "CREATE_PR"))
      yield* (yield* TicketLogger).flush
      const lines = yield* stored(id)
      assert.deepEqual(lines, [["CREATE_PR", "info", "pushing with <redacted>"]])
    }),
  TicketLoggerLive.pipe(Layer.provideMerge(TempStore)),
)

it.effect(
  "lines still pending when the logger closes are written, none lost",
  () =>
    Effect.gen(function* () {
      const { id } = yield* (yield* TicketStore).create(newTicket)
      yield* Effect.logInfo("the last line").pipe(inTicketLog(id, "FAILED"), Effect.provide(TicketLoggerLive))
      assert.deepEqual(yield* stored(id), [["FAILED", "info", "the last line"]])
    }),
  TempStore,
)
