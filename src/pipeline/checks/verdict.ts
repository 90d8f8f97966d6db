/**
 * When a red pull request is fixed, and when devvy stops trying (SPEC §1, FIX_CHECKS). Pure: the store
 * keeps the rounds, the forge reports the checks, and this decides.
 */
import type { Check, PullRequestChecks } from "../../services/forge/Forge.ts"
import type { CheckRoundsRow } from "../../services/store/CheckRounds.ts"

export type CheckRounds = CheckRoundsRow

export type ChecksVerdict =
  /** Nothing for devvy to do about CI now: green, still running, or this head already handled. */
  | { readonly _tag: "Wait"; readonly reason: string }
  | { readonly _tag: "Fix"; readonly failed: ReadonlyArray<Check> }
  /** The rounds are used up: say which checks still fail, once, and leave it to people. */
  | { readonly _tag: "GiveUp"; readonly failed: ReadonlyArray<Check> }

/**
 * A failure is acted on once every check of the head has finished (so the agent sees all of them in one
 * round), and once per head commit: the head a round handled is not handled again, by a second poll or
 * after a crash. After `maxRounds` rounds devvy gives up on CI, exactly once, and keeps waiting.
 */
export const checksVerdict = (
  { headSha, checks }: PullRequestChecks,
  rounds: CheckRounds,
  maxRounds: number,
): ChecksVerdict => {
  const failed = checks.filter((c) => c.state === "failed")
  if (failed.length === 0) {
    return { _tag: "Wait", reason: checks.some((c) => c.state === "pending") ? "checks running" : "checks green" }
  }
  if (checks.some((c) => c.state === "pending")) return { _tag: "Wait", reason: "other checks still running" }
  if (rounds.handledSha === headSha) return { _tag: "Wait", reason: `head ${headSha.slice(0, 8)} already handled` }
  if (rounds.used >= maxRounds) {
    return rounds.notice === "posted"
      ? { _tag: "Wait", reason: "check fixes used up; waiting for people" }
      : { _tag: "GiveUp", failed }
  }
  return { _tag: "Fix", failed }
}

/** What WAIT_FOR_REVIEW moves to after a poll: reviewers' words come before red CI when both wait. */
export const afterPoll = (
  reviewWaiting: boolean,
  checks: ChecksVerdict,
): "RESPOND_TO_REVIEW" | "FIX_CHECKS" | undefined =>
  reviewWaiting ? "RESPOND_TO_REVIEW" : checks._tag === "Wait" ? undefined : "FIX_CHECKS"

/** How the give-up comment begins, whatever it names: how a resume recognises one already posted. */
export const NOTICE_START = "devvy tried to fix the failing checks"

/** The comment devvy leaves when its rounds are used up. */
export const giveUpNotice = (failed: ReadonlyArray<Pick<Check, "name">>, rounds: number): string =>
  [
    `${NOTICE_START} ${rounds} time${rounds === 1 ? "" : "s"} and stops here. Still failing:`,
    "",
    ...failed.map((c) => `- ${c.name}`),
    "",
    "A person needs to look at these. devvy keeps answering review comments on this pull request.",
  ].join("\n")
