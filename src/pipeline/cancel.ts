import * as Effect from "effect/Effect"
import type { TicketId } from "../domain/TicketId.ts"
import { inTicketLog, TicketLogger } from "../services/store/TicketLogger.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { finish } from "./finish.ts"

/**
 * CANCELLED, then the ticket's containers, workspace and agent files removed. The caller has stopped the
 * process driving it first, so that nothing writes a state after CANCELLED.
 */
export const cancelTicket = Effect.fn("Ticket.cancel")(function* (id: TicketId) {
  const ticket = yield* (yield* TicketStore).transition(id, "CANCELLED")
  yield* finish(ticket).pipe(inTicketLog(id, ticket.state))
  yield* (yield* TicketLogger).flush
  return ticket
})
