import * as Effect from "effect/Effect"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { implementPrompt } from "./prompts/prompts.ts"
import { runAgent } from "./agent_phase.ts"

/** IMPLEMENT: the same session carries out its plan and runs the repository's scripts on its own work. */
export const implement = Effect.fn("State.IMPLEMENT")(function* (ticket: Ticket) {
  yield* runAgent(ticket.id, "IMPLEMENT", implementPrompt())
  const next: State = "VALIDATE"
  return next
})
