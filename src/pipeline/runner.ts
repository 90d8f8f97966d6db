import * as Effect from "effect/Effect"
import { messageOf } from "../domain/failure.ts"
import { isTerminal, type LiveState, type State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import type { TicketId } from "../domain/TicketId.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { TicketLease } from "../services/store/TicketLease.ts"
import { inTicketLog, TicketLogger } from "../services/store/TicketLogger.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { forgeLayerFor, parseTicketRepoUrl } from "../services/forge/forge_for.ts"
import { createPr } from "./create_pr.ts"
import { BudgetExhausted, isOutage, TicketFailed, TicketPaused } from "./errors.ts"
import { finish } from "./finish.ts"
import { fixChecks } from "./fix_checks.ts"
import { implement } from "./implement.ts"
import { plan } from "./plan.ts"
import { prepareEnv } from "./prepare_env.ts"
import { received } from "./received.ts"
import { respondToReview } from "./respond_to_review.ts"
import { commentOnEnd } from "./source_comments.ts"
import { validate } from "./validate.ts"
import { recoverFromDeadDriver } from "./worker.ts"
import { waitForReview } from "./wait_for_review.ts"

const steps = {
  PREPARE_ENV: prepareEnv,
  PLAN: plan,
  IMPLEMENT: implement,
  VALIDATE: validate,
  CREATE_PR: createPr,
  WAIT_FOR_REVIEW: waitForReview,
  RESPOND_TO_REVIEW: respondToReview,
  FIX_CHECKS: fixChecks,
} as const

type AnyStep = (typeof steps)[keyof typeof steps]
/** Every state's program seen as one type: the union of what each can fail with and needs. */
type Step = (
  ticket: Ticket,
) => Effect.Effect<State, Effect.Effect.Error<ReturnType<AnyStep>>, Effect.Effect.Context<ReturnType<AnyStep>>>

/**
 * Drives a ticket from its stored state until it is terminal, holding its lease throughout. Each
 * transition is stored before the next state starts, so a crash at any point resumes from the last
 * stored state. A state's error fails the ticket, with the error's message stored; an outage pauses it.
 */
export const driveTicket = (
  id: TicketId,
  onTransition: (ticket: Ticket, from: State) => Effect.Effect<void>,
) => Effect.scoped(drive(id, onTransition))

/**
 * Runs the ticket's current state and stores the transition it leads to. What the state logs goes to the
 * ticket's log under its phase; the log is flushed before the transition is stored, so a follower that
 * sees the new state has every line of the old one.
 */
const advance = Effect.fn("Ticket.advance")(function* <E, R>(
  ticket: Ticket & { readonly state: LiveState },
  step: (ticket: Ticket) => Effect.Effect<State, E, R>,
  onTransition: (ticket: Ticket, from: State) => Effect.Effect<void>,
) {
  const store = yield* TicketStore
  const logger = yield* TicketLogger
  const { id, state: from } = ticket
  const outcome = yield* step(ticket).pipe(
    Effect.map((next): { readonly next: State; readonly error?: string } => ({ next })),
    Effect.withSpan(`state.${from}`, { attributes: { "devvy.ticket": id, "devvy.state": from } }),
    Effect.catchAll((error): Effect.Effect<
      { readonly next: State; readonly error?: string },
      TicketPaused | BudgetExhausted
    > => {
      // Over budget the ticket is not at fault either: it stops where it is, marked, for a resume that raises it.
      if (error instanceof BudgetExhausted) {
        return Effect.logWarning(error.message).pipe(
          Effect.zipRight(store.setStopped(id, error.reason)),
          Effect.zipRight(Effect.fail(error)),
        )
      }
      const message = messageOf(error)
      const logged = Effect.logError(message)
      return isOutage(error)
        ? Effect.zipRight(logged, Effect.fail(new TicketPaused({ id, state: from, reason: message })))
        : Effect.as(logged, { next: "FAILED" as const, error: message })
    }),
    inTicketLog(id, from),
    Effect.ensuring(logger.flush),
  )
  const moved = yield* store.transition(
    id,
    outcome.next,
    outcome.error === undefined ? undefined : { error: outcome.error },
  )
  yield* Effect.logInfo(`${from} → ${moved.state}`).pipe(inTicketLog(id, from), Effect.zipRight(logger.flush))
  yield* onTransition(moved, from)
  return moved
})

const flushLog = Effect.flatMap(TicketLogger, (logger) => logger.flush)

const isLive = (ticket: Ticket): ticket is Ticket & { readonly state: LiveState } => !isTerminal(ticket.state)

const drive = Effect.fn("Ticket.drive")(function* (
  id: TicketId,
  onTransition: (ticket: Ticket, from: State) => Effect.Effect<void>,
) {
  const store = yield* TicketStore
  yield* (yield* TicketLease).hold(id)
  // Whatever stopped the ticket before, a driver now has it: the budget is checked again before its next agent run.
  yield* store.setStopped(id, null)
  yield* Effect.annotateCurrentSpan("devvy.ticket", id)
  let ticket = yield* store.get(id)
  // Parsed once: RECEIVED checks it, and the forge is built from it.
  const repoUrl = parseTicketRepoUrl(ticket.repoUrl, yield* AppConfig)
  if (ticket.state === "RECEIVED" && isLive(ticket)) {
    ticket = yield* advance(ticket, (t) => received(t, repoUrl), onTransition)
  }
  if (isLive(ticket)) {
    const forge = forgeLayerFor(yield* repoUrl)
    ticket = yield* Effect.gen(function* () {
      if (ticket.state !== "PREPARE_ENV") yield* recoverFromDeadDriver(id).pipe(inTicketLog(id, ticket.state))
      let current: Ticket = ticket
      while (isLive(current) && current.state !== "RECEIVED") {
        const step: Step = steps[current.state]
        current = yield* advance(current, step, onTransition)
      }
      yield* finish(current).pipe(inTicketLog(id, current.state), Effect.zipRight(flushLog))
      return current
    }).pipe(Effect.provide(forge))
  }
  yield* commentOnEnd(ticket)
  if (ticket.state === "FAILED") return yield* new TicketFailed({ id, reason: ticket.error ?? "failed" })
  return ticket
})
