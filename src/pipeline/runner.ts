import { Effect } from "effect"
import { isTerminal, type State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import type { TicketId } from "../domain/TicketId.ts"
import type { AppConfig } from "../services/config/AppConfig.ts"
import { TicketLease } from "../services/store/TicketLease.ts"
import { TicketLog } from "../services/store/TicketLog.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { StateNotBuilt, TicketFailed, type TicketRejected } from "./errors.ts"
import { received } from "./received.ts"

/** A state's program: it does the state's work and names the next state. */
type Step = (ticket: Ticket) => Effect.Effect<State, StateNotBuilt | TicketRejected, AppConfig>

const notBuilt = (ticket: Ticket) => Effect.fail(new StateNotBuilt({ state: ticket.state }))

const steps: Partial<Record<State, Step>> = {
  RECEIVED: received,
}

/**
 * Drives a ticket from its stored state until it is terminal, holding its lease throughout. Each transition is stored before the next
 * state starts, so a crash at any point resumes from the last stored state.
 */
export const driveTicket = (
  id: TicketId,
  onTransition: (ticket: Ticket, from: State) => Effect.Effect<void>,
) => Effect.scoped(drive(id, onTransition))

const drive = Effect.fn("Ticket.drive")(function* (
  id: TicketId,
  onTransition: (ticket: Ticket, from: State) => Effect.Effect<void>,
) {
  const store = yield* TicketStore
  const log = yield* TicketLog
  yield* (yield* TicketLease).hold(id)
  let ticket = yield* store.get(id)
  while (!isTerminal(ticket.state)) {
    const from = ticket.state
    const step = steps[from] ?? notBuilt
    const next = yield* step(ticket).pipe(
      Effect.catchTag("TicketRejected", (rejected) =>
        log.append(id, from, "error", rejected.reason).pipe(
          Effect.zipRight(store.transition(id, "FAILED", { error: rejected.reason })),
          Effect.as("FAILED" as const),
        )),
    )
    ticket = next === "FAILED" ? yield* store.get(id) : yield* store.transition(id, next)
    yield* log.append(id, from, "info", `${from} → ${ticket.state}`)
    yield* onTransition(ticket, from)
  }
  if (ticket.state === "FAILED") return yield* new TicketFailed({ id, reason: ticket.error ?? "failed" })
  return ticket
})
