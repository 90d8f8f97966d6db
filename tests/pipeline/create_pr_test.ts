import assert from "node:assert/strict"
import { Effect, Layer, Option, Ref } from "effect"
import { createPr } from "../../src/pipeline/create_pr.ts"
import { Forge, type PullRequest } from "../../src/services/forge/Forge.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { inTicketLog } from "../../src/services/store/TicketLogger.ts"
import { it } from "../support/effect_test.ts"
import { makeMemoryForge } from "../support/memory_forge.ts"
import { agentSays, fakePipeline, logOf, ticketAt } from "./support/fake_pipeline.ts"

it.effect("CREATE_PR opens one pull request the agent describes; resumed, it reuses that one and asks nothing", () =>
  Effect.gen(function* () {
    const { layer, runs } = yield* fakePipeline({ agent: agentSays("## Summary\nSays hello.") })
    const memory = yield* makeMemoryForge([])
    const opened = yield* Ref.make(Option.none<PullRequest>())
    const creates = yield* Ref.make<ReadonlyArray<string>>([])
    const forge = Layer.succeed(Forge, {
      ...memory.forge,
      findPullRequest: () => Ref.get(opened),
      createPullRequest: (input) =>
        Effect.gen(function* () {
          yield* Ref.update(creates, (all) => [...all, input.description])
          const pr = yield* memory.forge.createPullRequest(input)
          yield* Ref.set(opened, Option.some(pr))
          return pr
        }),
    })
    yield* Effect.gen(function* () {
      const ticket = yield* ticketAt(["PREPARE_ENV", "PLAN", "IMPLEMENT", "VALIDATE", "CREATE_PR"])
      const createPrLogged = createPr(ticket).pipe(inTicketLog(ticket.id, "CREATE_PR"))
      assert.equal(yield* createPrLogged, "WAIT_FOR_REVIEW")
      // A driver that died after the forge's answer and before the transition runs CREATE_PR again.
      assert.equal(yield* createPrLogged, "WAIT_FOR_REVIEW")
      assert.equal((yield* Ref.get(creates)).length, 1, "one pull request, never a second")
      assert.match((yield* Ref.get(creates))[0], /^## Summary\nSays hello\./)
      assert.deepEqual(runs.map((r) => r.phase), ["CREATE_PR"])
      const stored = yield* (yield* TicketStore).get(ticket.id)
      assert.equal(stored.prNumber, 1)
      const lines = yield* logOf(ticket.id)
      assert.ok(lines.includes("reusing the open pull request #1: mem://pr/1"), lines.join("\n"))
    }).pipe(Effect.provide(Layer.merge(layer, forge)))
  }))

it.effect("CREATE_PR for a branch with no commit of its own opens nothing, asks the agent nothing, and says why", () =>
  Effect.gen(function* () {
    const { layer, runs } = yield* fakePipeline({ commitsAhead: 0 })
    const memory = yield* makeMemoryForge([])
    const creates = yield* Ref.make(0)
    const forge = Layer.succeed(Forge, {
      ...memory.forge,
      findPullRequest: () => Effect.succeed(Option.none()),
      createPullRequest: (input) =>
        Effect.zipRight(Ref.update(creates, (n) => n + 1), memory.forge.createPullRequest(input)),
    })
    yield* Effect.gen(function* () {
      const ticket = yield* ticketAt(["PREPARE_ENV", "PLAN", "IMPLEMENT", "VALIDATE", "CREATE_PR"])
      const error = yield* Effect.flip(createPr(ticket))
      assert.equal(error._tag, "TicketRejected")
      assert.match(
        error.message,
        /^the agent changed nothing in the repository: agent\/\S+ has no commit that \S+ does not/,
      )
      assert.deepEqual(runs, [])
      assert.equal(yield* Ref.get(creates), 0)
    }).pipe(Effect.provide(Layer.merge(layer, forge)))
  }))
