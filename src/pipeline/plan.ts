import * as Effect from "effect/Effect"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { planPrompt } from "./prompts/prompts.ts"
import { runAgent } from "./agent_phase.ts"

/** PLAN: a new opencode session explores the code and writes a plan; the session id is stored as it starts. */
export const plan = Effect.fn("State.PLAN")(function* (ticket: Ticket) {
  const result = yield* runAgent(ticket.id, "PLAN", planPrompt(ticket), { newSession: true })
  yield* Effect.logInfo(`plan:\n${result.text}`)
  const next: State = "IMPLEMENT"
  return next
})
