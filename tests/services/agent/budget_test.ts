import assert from "node:assert/strict"
import { Option } from "effect"
import { Usage } from "../../../src/services/agent/AgentUsage.ts"
import { budgetExhausted, limitsOf } from "../../../src/services/agent/budget.ts"
import { aTicket } from "../../support/ticket_fixture.ts"

const spent = (cost: number, input: number, output: number) =>
  new Usage({ input, output, reasoning: 7, cacheRead: 90_000, cacheWrite: 0, cost })

Deno.test("a budget is exhausted once the cost or the input and output tokens reach their limit", () => {
  const dollars = { maxCostUsd: Option.some(10), maxTokens: Option.none() }
  assert.deepEqual(budgetExhausted(spent(10.42, 1, 1), dollars), Option.some("budget exhausted: $10.42 of $10.00"))
  assert.deepEqual(budgetExhausted(spent(10, 1, 1), dollars), Option.some("budget exhausted: $10.00 of $10.00"))
  assert.deepEqual(budgetExhausted(spent(9.99, 1, 1), dollars), Option.none())

  const tokens = { maxCostUsd: Option.none(), maxTokens: Option.some(5_000_000) }
  assert.deepEqual(
    budgetExhausted(spent(0, 4_000_000, 1_000_123), tokens),
    Option.some("budget exhausted: 5,000,123 tokens of 5,000,000"),
  )
  assert.deepEqual(budgetExhausted(spent(0, 4_000_000, 999_999), tokens), Option.none(), "cache reads do not count")
  assert.deepEqual(
    budgetExhausted(spent(1e6, 1e9, 1e9), { maxCostUsd: Option.none(), maxTokens: Option.none() }),
    Option.none(),
  )
})

Deno.test("a ticket's own limits win over the configured ones, each on its own", () => {
  const ticket = aTicket({ maxCostUsd: 20 })
  const limits = limitsOf(ticket, { maxCostUsd: Option.some(10), maxTokens: Option.some(1000) })
  assert.deepEqual(limits, { maxCostUsd: Option.some(20), maxTokens: Option.some(1000) })
})
