/** The heavy half of `cancel`, loaded only when it runs: removing a ticket's worker and workspace. */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type { TicketId } from "../domain/TicketId.ts"
import { cancelTicket } from "../pipeline/cancel.ts"
import { PipelineServices } from "../pipeline/layer.ts"

export const cancel = (id: TicketId) =>
  cancelTicket(id).pipe(
    Effect.zipRight(Console.log(`Ticket ${id} cancelled; its worker and workspace are removed.`)),
    Effect.provide(PipelineServices),
  )
