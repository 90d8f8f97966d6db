import { Effect } from "effect"
import type { Ticket } from "../domain/Ticket.ts"
import { TicketLog } from "../services/store/TicketLog.ts"
import { Workspace } from "../services/workspace/Workspace.ts"
import { removeWorkers } from "./worker.ts"

/** MERGED, FAILED, CANCELLED: the ticket's containers and workspace go; the store keeps its record. */
export const finish = Effect.fn("State.finish")(function* (ticket: Ticket) {
  yield* removeWorkers(ticket.id)
  yield* (yield* Workspace).delete(ticket.id)
  yield* (yield* TicketLog).append(ticket.id, ticket.state, "info", "removed the worker and the workspace")
})
