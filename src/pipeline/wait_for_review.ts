import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Schedule from "effect/Schedule"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { Forge } from "../services/forge/Forge.ts"
import { ReplyLedger } from "../services/store/ReplyLedger.ts"
import { TicketRejected } from "./errors.ts"
import { threadsToAnswer } from "./review/trusted_threads.ts"

/** The pull request this ticket opened: a ticket past CREATE_PR always has one. */
export const pullRequestNumber = (ticket: Ticket) =>
  ticket.prNumber === null
    ? Effect.fail(new TicketRejected({ reason: `ticket ${ticket.id} is in ${ticket.state} but has no pull request` }))
    : Effect.succeed(ticket.prNumber)

/**
 * WAIT_FOR_REVIEW: polls every `poll_interval`. Merged → MERGED; abandoned → FAILED; a person's new
 * comment → RESPOND_TO_REVIEW. A forge that stays unreachable through its retries is waited out, not
 * taken for a verdict: reviews take days, outages take minutes.
 */
export const waitForReview = Effect.fn("State.WAIT_FOR_REVIEW")(function* (ticket: Ticket) {
  const forge = yield* Forge
  const config = yield* AppConfig
  const ledger = yield* ReplyLedger
  const number = yield* pullRequestNumber(ticket)
  yield* Effect.logInfo(`waiting for review on pull request #${number}`)
  // One look at the pull request: a verdict, or undefined to look again after the poll interval.
  const look = Effect.gen(function* () {
    const pr = yield* forge.pullRequest(number)
    if (pr.status === "completed") return "MERGED" satisfies State
    if (pr.status === "abandoned") return yield* new TicketRejected({ reason: "pull request abandoned" })
    const threads = yield* forge.threads(number)
    const waiting = threadsToAnswer(threads, yield* ledger.handled(ticket.id), {
      ignoreAuthors: config.agent.ignoreAuthors,
    })
    return waiting.length > 0 ? "RESPOND_TO_REVIEW" satisfies State : undefined
  }).pipe(
    Effect.catchTag(
      "ForgeUnavailable",
      (error) => Effect.logWarning(`${error.message}; polling again`).pipe(Effect.as(undefined)),
    ),
  )
  const next: State = yield* look.pipe(
    Effect.repeat({
      schedule: Schedule.identity<State | undefined>().pipe(
        Schedule.zipLeft(Schedule.spaced(config.agent.pollInterval)),
      ),
      until: (verdict) => verdict !== undefined,
    }),
    Effect.filterOrDieMessage(Predicate.isNotUndefined, "the review poll stopped without a verdict"),
  )
  return next
})
