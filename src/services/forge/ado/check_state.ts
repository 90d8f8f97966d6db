/** Azure DevOps build validation → the forge port's check states. Pure. */
import type { CheckState } from "../Forge.ts"
import { type AdoPolicyEvaluation, type AdoTimelineRecord, BUILD_POLICY_TYPE } from "./pipeline_schemas.ts"

/**
 * A build policy evaluation as a check of the pull request's head `headSha`, or undefined when it is not
 * a check at all (another policy type, disabled, optional, not applicable). Queued and running builds are
 * pending; so is an expired one (`queued` + `isExpired`: it has not run for this head), a broken policy
 * (an error in Azure DevOps, nothing the code can fix) and a verdict on an older commit than the head.
 */
export const evaluationState = (evaluation: AdoPolicyEvaluation, headSha: string): CheckState | undefined => {
  const { configuration, context, status } = evaluation
  if (configuration.type.id.toLowerCase() !== BUILD_POLICY_TYPE) return undefined
  if (configuration.isEnabled === false || configuration.isBlocking === false) return undefined
  if (context?.isExpired === true) return "pending"
  const source = context?.lastMergeSourceCommitId
  const stale = source != null && headSha !== "" && source.toLowerCase() !== headSha.toLowerCase()
  switch (status) {
    case "notApplicable":
      return undefined
    case "approved":
      return stale ? "pending" : "passed"
    case "rejected":
      return stale || context?.buildId == null ? "pending" : "failed"
    default:
      return "pending"
  }
}

/** The name a person sees for the policy: its pipeline's, else the policy's display name. */
export const evaluationName = (evaluation: AdoPolicyEvaluation): string =>
  evaluation.context?.buildDefinitionName ?? evaluation.configuration.settings?.displayName ??
    `build policy ${evaluation.configuration.id}`

export interface FailedStep {
  readonly name: string
  readonly logId: number | undefined
  /** The short error lines the agent reported for the step. */
  readonly issues: ReadonlyArray<string>
}

/**
 * The failed records of a build's timeline that say most: a failed record with a log whose children
 * have no failed record with a log of their own (a Task rather than its Job, Phase and Stage). A build
 * that failed before any step ran gives its failed records without a log.
 */
export const failedSteps = (records: ReadonlyArray<AdoTimelineRecord>): ReadonlyArray<FailedStep> => {
  const failed = records.filter((r) => r.result === "failed")
  const withLog = failed.filter((r) => r.log != null)
  const parentOf = new Map(records.map((r) => [r.id, r.parentId ?? undefined]))
  const isAncestor = (ancestor: string, record: AdoTimelineRecord) => {
    const seen = new Set<string>()
    for (let at = record.parentId ?? undefined; at !== undefined && !seen.has(at); at = parentOf.get(at)) {
      if (at === ancestor) return true
      seen.add(at)
    }
    return false
  }
  const hasFailedDescendant = (record: AdoTimelineRecord) => withLog.some((other) => isAncestor(record.id, other))
  const chosen = withLog.length > 0 ? withLog.filter((r) => !hasFailedDescendant(r)) : failed.slice(-1)
  return chosen
    .toSorted((a, b) => (a.order ?? 0) - (b.order ?? 0))
    .map((r) => ({
      name: r.name ?? r.type ?? r.id,
      logId: r.log?.id,
      issues: (r.issues ?? []).filter((i) => i.type === "error").flatMap((i) => i.message ? [i.message] : []),
    }))
}
