import assert from "node:assert/strict"
import { Effect, Layer } from "effect"
import { AgentUsage, Usage } from "../../../src/services/agent/AgentUsage.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { it } from "../../support/effect_test.ts"
import { TempStore } from "../../support/temp_home.ts"

const layer = AgentUsage.Default.pipe(Layer.provideMerge(TempStore))
const usage = (input: number, output: number, cost = 0) =>
  new Usage({ input, output, reasoning: 1, cacheRead: 10, cacheWrite: 2, cost })
const newTicket = { title: "t", description: "d", repoUrl: "/tmp/repo", model: "mock/m1" }

it.effect("usage is added up per phase and listed in the order of the state machine", () =>
  Effect.gen(function* () {
    const store = yield* TicketStore
    const agentUsage = yield* AgentUsage
    const { id } = yield* store.create(newTicket)
    const other = yield* store.create(newTicket)
    yield* agentUsage.add(id, "IMPLEMENT", usage(500, 50, 0.25))
    yield* agentUsage.add(id, "PLAN", usage(100, 10, 0.5))
    yield* agentUsage.add(id, "IMPLEMENT", usage(700, 70, 0.125))
    yield* agentUsage.add(other.id, "PLAN", usage(9999, 9999))

    const phases = yield* agentUsage.byPhase(id)
    assert.deepEqual(phases.map((p) => p.phase), ["PLAN", "IMPLEMENT"])
    assert.deepEqual(
      { ...phases[1].usage },
      { input: 1200, output: 120, reasoning: 2, cacheRead: 20, cacheWrite: 4, cost: 0.375 },
    )
    const total = yield* agentUsage.total(id)
    assert.equal(total.input, 1300)
    assert.equal(total.cost, 0.875)
  }), layer)

it.effect("a ticket the agent never ran for has no usage and a zero total", () =>
  Effect.gen(function* () {
    const store = yield* TicketStore
    const agentUsage = yield* AgentUsage
    const { id } = yield* store.create(newTicket)
    assert.deepEqual(yield* agentUsage.byPhase(id), [])
    assert.deepEqual({ ...(yield* agentUsage.total(id)) }, { ...Usage.zero })
  }), layer)
