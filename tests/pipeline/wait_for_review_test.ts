import assert from "node:assert/strict"
import { Effect, Fiber, Layer, Option, Ref, TestClock } from "effect"
import { waitForReview } from "../../src/pipeline/wait_for_review.ts"
import { Forge, PullRequest } from "../../src/services/forge/Forge.ts"
import { ForgeUnavailable } from "../../src/services/forge/ForgeError.ts"
import { TicketLog } from "../../src/services/store/TicketLog.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { it } from "../support/effect_test.ts"
import { makeMemoryForge } from "../support/memory_forge.ts"
import { fakePipeline, ticketAt } from "./support/fake_pipeline.ts"

const pr = (status: "active" | "completed") =>
  new PullRequest({ number: 1, url: "mem://pr/1", status, title: "t", sourceBranch: "b", targetBranch: "main" })

/** Lets the forked state run (its store writes are real I/O) until it sleeps on the test clock, or ends. */
const untilSleeping = <A, E>(state: Fiber.Fiber<A, E>) =>
  Effect.gen(function* () {
    while ((yield* TestClock.sleeps()).length === 0 && Option.isNone(yield* Fiber.poll(state))) {
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
      const state = yield* Effect.fork(waitForReview(waiting))
      yield* untilSleeping(state)
      assert.equal(yield* Ref.get(polls), 1)
      const lines = (yield* (yield* TicketLog).read(ticket.id)).map((l) => l.line.message)
      assert.ok(lines.some((l) => l.includes("503 after 3 tries") && l.endsWith("polling again")), lines.join("\n"))
      yield* TestClock.adjust("29 seconds")
      assert.equal(yield* Ref.get(polls), 1, "no poll before the interval has passed")
      yield* TestClock.adjust("1 second")
      yield* untilSleeping(state)
      assert.equal(yield* Ref.get(polls), 2)
      yield* TestClock.adjust("30 seconds")
      assert.equal(yield* Fiber.join(state), "MERGED")
      assert.equal(yield* Ref.get(polls), 3)
    }).pipe(Effect.provide(Layer.merge(layer, forge)))
  }))
