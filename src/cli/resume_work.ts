/** The heavy half of `resume` (and of `run` in the foreground), loaded only when a ticket is driven here. */
import * as Effect from "effect/Effect"
import type { TicketId } from "../domain/TicketId.ts"
import { PipelineServices } from "../pipeline/layer.ts"
import { driveTicket } from "../pipeline/runner.ts"
import { printTransition } from "./ui/progress.ts"

/** Drives the ticket in this process, printing each transition, until it is terminal or interrupted. */
export const driveInForeground = (id: TicketId) =>
  driveTicket(id, printTransition).pipe(Effect.provide(PipelineServices))
