/** SPEC §4 Budget: checked before every agent run. */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { AgentUsage } from "../services/agent/AgentUsage.ts"
import { budgetExhausted, limitsOf } from "../services/agent/budget.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { BudgetExhausted } from "./errors.ts"

/** Fails with BudgetExhausted when the ticket has spent its budget; the runner then stops it in its state. */
export const checkBudget = Effect.fn("Budget.check")(function* (ticket: Ticket, phase: State) {
  const config = yield* AppConfig
  const limits = limitsOf(ticket, config.agent)
  if (Option.isNone(limits.maxCostUsd) && Option.isNone(limits.maxTokens)) return
  const spent = yield* (yield* AgentUsage).total(ticket.id)
  const reason = budgetExhausted(spent, limits)
  if (Option.isSome(reason)) return yield* new BudgetExhausted({ id: ticket.id, state: phase, reason: reason.value })
})
