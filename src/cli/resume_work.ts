/** The heavy half of `resume` (and of `run` in the foreground), loaded only when a ticket is driven here. */
import * as Effect from "effect/Effect"
import type { TicketId } from "../domain/TicketId.ts"
import { PipelineServices } from "../pipeline/layer.ts"
import { driveTicket } from "../pipeline/runner.ts"
import { AgentUsage } from "../services/agent/AgentUsage.ts"
import { budgetTokens } from "../services/agent/budget.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { withLiveLine } from "./ui/live_line.ts"

/**
 * Drives the ticket in this process, printing each transition, until it is terminal or interrupted; on a
 * terminal with the live line under them, starting from what the store says the ticket has done so far.
 */
export const driveInForeground = (id: TicketId) =>
  Effect.gen(function* () {
    const store = yield* TicketStore
    const ticket = yield* store.get(id)
    const entered = (yield* store.history(id)).at(-1)?.at ?? ticket.updatedAt
    const spent = yield* (yield* AgentUsage).total(id)
    const start = {
      state: ticket.state,
      since: entered.getTime(),
      action: undefined,
      tokens: budgetTokens(spent),
      cost: spent.cost,
    }
    return yield* withLiveLine(start, (onTransition) => driveTicket(id, onTransition))
  }).pipe(Effect.provide(PipelineServices))
