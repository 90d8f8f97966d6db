import assert from "node:assert/strict"
import { Chunk, Duration, Effect, Fiber, Layer, Option, Ref, TestClock } from "effect"
import { waitForReview } from "../../src/pipeline/wait_for_review.ts"
import { Forge, PullRequest } from "../../src/services/forge/Forge.ts"
import { ForgeUnavailable } from "../../src/services/forge/ForgeError.ts"
import { CheckRounds } from "../../src/services/store/CheckRounds.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { inTicketLog } from "../../src/services/store/TicketLogger.ts"
import { it } from "../support/effect_test.ts"
import { comment, makeMemoryForge, thread } from "../support/memory_forge.ts"
import { fakePipeline, logOf, ticketAt } from "./support/fake_pipeline.ts"

const interval = Duration.seconds(30)

const pr = (status: "active" | "completed") =>
  new PullRequest({ number: 1, url: "mem://pr/1", status, title: "t", sourceBranch: "b", targetBranch: "main" })

/**
 * Lets the forked state run (its store writes are real I/O) until it sleeps out a poll interval on the
 * test clock, or ends. Other sleepers (the log's batching) wake sooner, so they are not mistaken for it.
 */
const untilPollWait = <A, E>(state: Fiber.Fiber<A, E>) =>
  Effect.gen(function* () {
    const waitsForPoll = Effect.gen(function* () {
      const now = yield* TestClock.currentTimeMillis
      return Chunk.some(yield* TestClock.sleeps(), (wake) => wake >= now + Duration.toMillis(interval))
    })
    while (!(yield* waitsForPoll) && Option.isNone(yield* Fiber.poll(state))) {
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 1)))
    }
  })

it.effect("WAIT_FOR_REVIEW waits out a forge outage: it polls again one interval later, then merges", () =>
  Effect.gen(function* () {
    const { layer } = yield* fakePipeline({ settings: { DEVVY_POLL_INTERVAL: "30" } })
    const memory = yield* makeMemoryForge([])
    const answers = [
      Effect.fail(new ForgeUnavailable({ url: "mem://", detail: "503 after 3 tries" })),
      Effect.succeed(pr("active")),
      Effect.succeed(pr("completed")),
    ]
    const polls = yield* Ref.make(0)
    const forge = Layer.succeed(Forge, {
      ...memory.forge,
      pullRequest: () => Effect.flatMap(Ref.getAndUpdate(polls, (n) => n + 1), (n) => answers[n]),
    })
    yield* Effect.gen(function* () {
      const ticket = yield* ticketAt(["PREPARE_ENV", "PLAN", "IMPLEMENT", "VALIDATE", "CREATE_PR", "WAIT_FOR_REVIEW"])
      const waiting = yield* (yield* TicketStore).update(ticket.id, { prNumber: 1 })
      const state = yield* Effect.fork(waitForReview(waiting).pipe(inTicketLog(ticket.id, "WAIT_FOR_REVIEW")))
      yield* untilPollWait(state)
      assert.equal(yield* Ref.get(polls), 1)
      const lines = yield* logOf(ticket.id)
      assert.ok(lines.some((l) => l.includes("503 after 3 tries") && l.endsWith("polling again")), lines.join("\n"))
      yield* TestClock.adjust("29 seconds")
      assert.equal(yield* Ref.get(polls), 1, "no poll before the interval has passed")
      yield* TestClock.adjust("1 second")
      yield* untilPollWait(state)
      assert.equal(yield* Ref.get(polls), 2)
      yield* TestClock.adjust("30 seconds")
      assert.equal(yield* Fiber.join(state), "MERGED")
      assert.equal(yield* Ref.get(polls), 3)
    }).pipe(Effect.provide(Layer.merge(layer, forge)))
  }))

const failedChecks = (headSha: string) => ({
  headSha,
  checks: [{ name: "build", state: "failed" as const, log: Effect.succeed("boom") }],
})

it.effect("review comments come before red checks, and a failed head not yet handled leads to FIX_CHECKS", () =>
  Effect.gen(function* () {
    const { layer } = yield* fakePipeline({ settings: { DEVVY_POLL_INTERVAL: "30" } })
    const memory = yield* makeMemoryForge([thread("7", [comment("1", "rita", "Please rename it")])])
    yield* Ref.set(memory.checks, failedChecks("a".repeat(40)))
    yield* Effect.gen(function* () {
      const ticket = yield* ticketAt(["PREPARE_ENV", "PLAN", "IMPLEMENT", "VALIDATE", "CREATE_PR", "WAIT_FOR_REVIEW"])
      const waiting = yield* (yield* TicketStore).update(ticket.id, { prNumber: 1 })
      assert.equal(yield* waitForReview(waiting), "RESPOND_TO_REVIEW")
      yield* Ref.set(memory.threads, [])
      assert.equal(yield* waitForReview(waiting), "FIX_CHECKS")
    }).pipe(Effect.provide(Layer.merge(layer, memory.layer)))
  }))

it.effect("a failed head already handled is not fixed again: WAIT_FOR_REVIEW keeps polling until a new head fails", () =>
  Effect.gen(function* () {
    const { layer } = yield* fakePipeline({ settings: { DEVVY_POLL_INTERVAL: "30" } })
    const memory = yield* makeMemoryForge([])
    yield* Ref.set(memory.checks, failedChecks("a".repeat(40)))
    yield* Effect.gen(function* () {
      const ticket = yield* ticketAt(["PREPARE_ENV", "PLAN", "IMPLEMENT", "VALIDATE", "CREATE_PR", "WAIT_FOR_REVIEW"])
      const waiting = yield* (yield* TicketStore).update(ticket.id, { prNumber: 1 })
      const rounds = yield* CheckRounds
      yield* rounds.start(ticket.id, "a".repeat(40))
      yield* rounds.close(ticket.id)
      const state = yield* Effect.fork(waitForReview(waiting).pipe(inTicketLog(ticket.id, "WAIT_FOR_REVIEW")))
      yield* untilPollWait(state)
      assert.ok(Option.isNone(yield* Fiber.poll(state)), "still waiting")
      yield* Ref.set(memory.checks, failedChecks("b".repeat(40)))
      yield* TestClock.adjust(interval)
      assert.equal(yield* Fiber.join(state), "FIX_CHECKS")
    }).pipe(Effect.provide(Layer.merge(layer, memory.layer)))
  }))
