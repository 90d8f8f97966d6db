/**
 * SPEC §4 Budget, the arithmetic: a ticket's tokens (input + output) and cost so far against its limits, its own
 * (raised by `devvy resume --max-cost-usd/--max-tokens`) else the configured ones. Pure, and light enough for
 * the commands that only read the store.
 */
import * as Option from "effect/Option"
import type { Ticket } from "../../domain/Ticket.ts"
import type { Usage } from "./AgentUsage.ts"

export interface BudgetLimits {
  readonly maxCostUsd: Option.Option<number>
  readonly maxTokens: Option.Option<number>
}

/** The tokens a budget counts: what went in and what came out (reasoning is part of output, cache reads of neither). */
export const budgetTokens = (usage: Usage): number => usage.input + usage.output

const dollars = (amount: number) => `$${amount.toFixed(2)}`
const count = (n: number) => n.toLocaleString("en-US")

/** Why the ticket may not run the agent again (`budget exhausted: $10.42 of $10.00`), or none while it may. */
export const budgetExhausted = (spent: Usage, limits: BudgetLimits): Option.Option<string> => {
  const cost = Option.filter(limits.maxCostUsd, (max) => spent.cost >= max)
  if (Option.isSome(cost)) return Option.some(`budget exhausted: ${dollars(spent.cost)} of ${dollars(cost.value)}`)
  const tokens = Option.filter(limits.maxTokens, (max) => budgetTokens(spent) >= max)
  if (Option.isSome(tokens)) {
    return Option.some(`budget exhausted: ${count(budgetTokens(spent))} tokens of ${count(tokens.value)}`)
  }
  return Option.none()
}

/** The ticket's own limits over the configured ones. */
export const limitsOf = (ticket: Ticket, configured: BudgetLimits): BudgetLimits => ({
  maxCostUsd: Option.orElse(Option.fromNullable(ticket.maxCostUsd), () => configured.maxCostUsd),
  maxTokens: Option.orElse(Option.fromNullable(ticket.maxTokens), () => configured.maxTokens),
})
