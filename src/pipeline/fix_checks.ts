import * as Effect from "effect/Effect"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { type Check, Forge } from "../services/forge/Forge.ts"
import { CheckRounds } from "../services/store/CheckRounds.ts"
import { Workspace } from "../services/workspace/Workspace.ts"
import { runAgent } from "./agent_phase.ts"
import { logTail } from "./checks/log_tail.ts"
import { checksVerdict, giveUpNotice, NOTICE_START } from "./checks/verdict.ts"
import { checkFixPrompt } from "./prompts/check_fix_prompt.ts"
import { pullRequestNumber } from "./wait_for_review.ts"

const short = (sha: string | null) => (sha ?? "").slice(0, 8)

/** Each failed check's log, cut to its tail; a log that cannot be read is said so rather than failing the round. */
const failureTails = (failed: ReadonlyArray<Check>) =>
  Effect.forEach(failed, (check) =>
    check.log.pipe(
      Effect.catchIf(
        (error) => error._tag !== "ForgeUnavailable",
        (error) => Effect.succeed(`(devvy could not read this check's log: ${error.message})`),
      ),
      Effect.map((log) => {
        const { text, lines, omitted } = logTail(log)
        return { name: check.name, tail: text, lines, omitted }
      }),
      Effect.tap((tail) =>
        Effect.logInfo(
          `giving the agent the last ${tail.lines} line${tail.lines === 1 ? "" : "s"} of "${tail.name}"` +
            (tail.omitted > 0 ? ` (${tail.omitted} earlier left out)` : ""),
        ).pipe(Effect.zipRight(Effect.logDebug(`the tail of "${tail.name}" given to the agent:\n${tail.tail}`)))
      ),
    ))

/**
 * FIX_CHECKS: the pull request's CI failed on its head commit. opencode, in the ticket's session, gets
 * each failed check's name and log tail and fixes the code; the change goes through VALIDATE, which
 * pushes it. A round is stored as started before the agent runs, so each head is handled once: a resume
 * finishes the round it interrupted instead of starting another. After `max_check_fix_attempts` rounds
 * devvy comments once on the pull request and waits for people.
 */
export const fixChecks = Effect.fn("State.FIX_CHECKS")(function* (ticket: Ticket) {
  const forge = yield* Forge
  const config = yield* AppConfig
  const rounds = yield* CheckRounds
  const workspace = yield* Workspace
  const number = yield* pullRequestNumber(ticket)
  const max = config.agent.maxCheckFixAttempts
  const waitAgain: State = "WAIT_FOR_REVIEW"
  const stored = yield* rounds.get(ticket.id)
  const checks = yield* forge.checks(number).pipe(
    Effect.catchIf(
      (error) => error._tag !== "ForgeUnavailable",
      (error) =>
        Effect.logWarning(`could not read the pull request's checks: ${error.message}`).pipe(Effect.as(undefined)),
    ),
  )
  if (checks === undefined) return waitAgain

  const round = Effect.fnUntraced(function* (failed: ReadonlyArray<Check>, roundNumber: number) {
    if (failed.length === 0) {
      yield* rounds.close(ticket.id)
      return waitAgain
    }
    yield* Effect.logInfo(
      `checks failed on ${short(checks.headSha)}: ${
        failed.map((c) => c.name).join(", ")
      } (round ${roundNumber} of ${max})`,
    )
    const tails = yield* failureTails(failed)
    yield* runAgent(ticket.id, "FIX_CHECKS", checkFixPrompt({ failed: tails, round: roundNumber, maxRounds: max }))
    const changed = yield* workspace.commitAll(ticket.id, `Fix failing checks: ${failed.map((c) => c.name).join(", ")}`)
    yield* rounds.close(ticket.id)
    if (!changed) yield* Effect.logWarning("the agent changed nothing; waiting for people or a new commit")
    const next: State = changed ? "VALIDATE" : waitAgain
    return next
  })

  if (stored.handledSha === checks.headSha) {
    // The round for this head committed its fix but was stopped before VALIDATE pushed it.
    if ((yield* workspace.head(ticket.id)) !== checks.headSha) {
      yield* rounds.close(ticket.id)
      yield* Effect.logInfo(`the fix for ${short(checks.headSha)} is committed; validating it`)
      return "VALIDATE" satisfies State
    }
    if (stored.open) {
      yield* Effect.logInfo(`finishing the interrupted round for ${short(checks.headSha)}`)
      return yield* round(checks.checks.filter((c) => c.state === "failed"), stored.used)
    }
  } else if (stored.open) {
    yield* rounds.close(ticket.id)
  }

  const verdict = checksVerdict(checks, stored, max)
  switch (verdict._tag) {
    case "Wait":
      yield* Effect.logInfo(`nothing to fix: ${verdict.reason}`)
      return waitAgain
    case "Fix":
      yield* rounds.start(ticket.id, checks.headSha)
      return yield* round(verdict.failed, stored.used + 1)
    case "GiveUp": {
      // A comment posted just before a crash is found on the forge rather than posted again.
      const posted = stored.notice === "posting" &&
        (yield* forge.threads(number)).some((t) =>
          t.comments.some((c) => c.isOwn && c.content.startsWith(NOTICE_START))
        )
      if (!posted) {
        yield* rounds.notice(ticket.id, "posting")
        yield* forge.comment(number, giveUpNotice(verdict.failed, stored.used))
      }
      yield* rounds.notice(ticket.id, "posted")
      yield* Effect.logWarning(
        `checks still failing after ${stored.used} round${stored.used === 1 ? "" : "s"}: ` +
          `${verdict.failed.map((c) => c.name).join(", ")}; commented on the pull request and waiting for people`,
      )
      return waitAgain
    }
  }
})
