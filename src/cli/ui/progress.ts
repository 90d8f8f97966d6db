import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type { State } from "../../domain/State.ts"
import type { Ticket } from "../../domain/Ticket.ts"
import { bold, dim, green, red } from "./terminal.ts"
import { formatClock } from "./time.ts"

const paint = (state: State): string =>
  state === "MERGED" ? green(state) : state === "FAILED" || state === "CANCELLED" ? red(state) : bold(state)

/** One line per transition, with its time: plain text when the output is not a terminal. */
export const printTransition = (ticket: Ticket, from: State): Effect.Effect<void> =>
  Console.log(`${dim(formatClock(ticket.updatedAt))}  ${from} → ${paint(ticket.state)}`)
