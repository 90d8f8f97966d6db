/** The commands' heavy half, loaded only when a ticket is driven or cancelled. */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type { TicketId } from "../domain/TicketId.ts"
import { finish } from "../pipeline/finish.ts"
import { driveTicket } from "../pipeline/runner.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { PipelineLayer } from "./pipeline_layer.ts"
import { printTransition } from "./ui/progress.ts"

/** Drives the ticket in this process, printing each transition, until it is terminal or interrupted. */
export const driveInForeground = (id: TicketId) => driveTicket(id, printTransition).pipe(Effect.provide(PipelineLayer))

/** CANCELLED, then the ticket's containers, workspace and agent files removed. */
export const cancelTicket = (id: TicketId) =>
  Effect.gen(function* () {
    const ticket = yield* (yield* TicketStore).transition(id, "CANCELLED")
    yield* finish(ticket)
    yield* Console.log(`Ticket ${id} cancelled; its worker and workspace are removed.`)
  }).pipe(Effect.provide(PipelineLayer))
