/** GitHub check runs and commit statuses → the forge port's check states (reference §2). Pure. */
import type { CheckState } from "../Forge.ts"

/** Conclusions that mean the code (or its CI) needs fixing; `startup_failure` is GraphQL's, seen in REST too. */
const failedConclusions: ReadonlySet<string> = new Set([
  "failure",
  "timed_out",
  "cancelled",
  "action_required",
  "startup_failure",
])
const passedConclusions: ReadonlySet<string> = new Set(["success", "neutral", "skipped"])

/**
 * A check run's state. Anything not completed (queued, in_progress, waiting, pending, requested) is
 * pending; so is a completed run with no conclusion or one GitHub marked `stale`, as `gh pr checks` has it.
 */
export const checkRunState = (status: string, conclusion: string | null | undefined): CheckState => {
  if (status !== "completed" || conclusion == null) return "pending"
  if (failedConclusions.has(conclusion)) return "failed"
  if (passedConclusions.has(conclusion)) return "passed"
  return "pending"
}

/** A commit status (CI outside the Checks API): `error` and `failure` failed. */
export const commitStatusState = (state: string): CheckState =>
  state === "error" || state === "failure" ? "failed" : state === "success" ? "passed" : "pending"

/** Only an Actions job has a job log; its check run id is the job id. */
export const actionsJobId = (
  run: { readonly id: number; readonly app?: { readonly slug?: string | undefined } | null | undefined },
) => run.app?.slug === "github-actions" ? run.id : undefined
