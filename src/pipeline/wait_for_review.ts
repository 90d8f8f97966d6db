import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Schedule from "effect/Schedule"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { Forge } from "../services/forge/Forge.ts"
import { CheckRounds } from "../services/store/CheckRounds.ts"
import { ReplyLedger } from "../services/store/ReplyLedger.ts"
import { afterPoll, type ChecksVerdict, checksVerdict } from "./checks/verdict.ts"
import { TicketRejected } from "./errors.ts"
import { threadsToAnswer } from "./review/trusted_threads.ts"

/** The pull request this ticket opened: a ticket past CREATE_PR always has one. */
export const pullRequestNumber = (ticket: Ticket) =>
  ticket.prNumber === null
    ? Effect.fail(new TicketRejected({ reason: `ticket ${ticket.id} is in ${ticket.state} but has no pull request` }))
    : Effect.succeed(ticket.prNumber)

/**
 * WAIT_FOR_REVIEW: polls every `poll_interval`. Merged → MERGED; abandoned → FAILED; a person's new
 * comment → RESPOND_TO_REVIEW; else a failed head commit not yet handled (or rounds used up and not yet
 * said) → FIX_CHECKS. A forge that stays unreachable through its retries is waited out, not
 * taken for a verdict: reviews take days, outages take minutes.
 */
export const waitForReview = Effect.fn("State.WAIT_FOR_REVIEW")(function* (ticket: Ticket) {
  const forge = yield* Forge
  const config = yield* AppConfig
  const ledger = yield* ReplyLedger
  const rounds = yield* CheckRounds
  const number = yield* pullRequestNumber(ticket)
  yield* Effect.logInfo(`waiting for review on pull request #${number}`)
  // CI that cannot be read (a PAT without Build read, a deleted build) is no verdict: said once, then waited out.
  let unreadable = ""
  const checksNow = Effect.gen(function* () {
    const checks = yield* forge.checks(number)
    unreadable = ""
    return checksVerdict(checks, yield* rounds.get(ticket.id), config.agent.maxCheckFixAttempts)
  }).pipe(
    Effect.catchIf((error) => error._tag !== "ForgeUnavailable", (error) => {
      const said = unreadable === error.message
      unreadable = error.message
      const verdict: ChecksVerdict = { _tag: "Wait", reason: "checks unreadable" }
      return said
        ? Effect.succeed(verdict)
        : Effect.as(Effect.logWarning(`could not read the pull request's checks: ${error.message}`), verdict)
    }),
  )
  // One look at the pull request: a verdict, or undefined to look again after the poll interval.
  const look = Effect.gen(function* () {
    const pr = yield* forge.pullRequest(number)
    if (pr.status === "completed") return "MERGED" satisfies State
    if (pr.status === "abandoned") return yield* new TicketRejected({ reason: "pull request abandoned" })
    const threads = yield* forge.threads(number)
    const waiting = threadsToAnswer(threads, yield* ledger.handled(ticket.id), {
      ignoreAuthors: config.agent.ignoreAuthors,
    })
    if (waiting.length > 0) return "RESPOND_TO_REVIEW" satisfies State
    return afterPoll(false, yield* checksNow)
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
