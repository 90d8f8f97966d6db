/** Azure DevOps build validation, pull request builds and statuses → the forge port's check states. Pure. */
import type { CheckState } from "../Forge.ts"
import {
  type AdoBuild,
  type AdoIteration,
  type AdoPolicyEvaluation,
  type AdoPullRequestStatus,
  type AdoTimelineRecord,
  BUILD_POLICY_TYPE,
} from "./pipeline_schemas.ts"

const sameCommit = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()

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
  const stale = source != null && headSha !== "" && !sameCommit(source, headSha)
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

/** Whether the evaluations name a build policy at all, even one devvy does not wait for (optional, disabled). */
export const hasBuildPolicy = (evaluations: ReadonlyArray<AdoPolicyEvaluation>): boolean =>
  evaluations.some((e) => e.configuration.type.id.toLowerCase() === BUILD_POLICY_TYPE)

/**
 * The latest pull request build (of `refs/pull/{id}/merge`, where no build policy runs one) as a check of the
 * head, or undefined when it is not one: a build of an older head (`pr.sourceSha`; the build of the new head
 * is not queued yet), one whose head is unknown (queued by hand, no trigger info), or one people canceled.
 */
export const pullRequestBuildState = (build: AdoBuild, headSha: string): CheckState | undefined => {
  const built = build.triggerInfo?.["pr.sourceSha"]
  if (built === undefined || headSha === "" || !sameCommit(built, headSha)) return undefined
  if (build.status !== "completed") return "pending"
  switch (build.result) {
    case "failed":
      return "failed"
    case "succeeded":
    case "partiallySucceeded":
      return "passed"
    case "canceled":
      return undefined
    default:
      return "pending"
  }
}

/** A status's state as a check: failed and error fail; notSet and notApplicable are no check. */
export const statusState = (status: AdoPullRequestStatus): CheckState | undefined => {
  switch (status.state) {
    case "failed":
    case "error":
      return "failed"
    case "pending":
      return "pending"
    case "succeeded":
      return "passed"
    default:
      return undefined
  }
}

/** What a status is known by: its context, genre first as Azure DevOps' status policies name it. */
export const statusName = ({ context }: AdoPullRequestStatus): string =>
  context.genre ? `${context.genre}/${context.name}` : context.name

/**
 * The statuses that speak of the head, the latest of each context. The iteration of the head is the last one
 * that pushed it; a status posted on an iteration counts for that iteration only, and one posted on the pull
 * request as a whole counts when it was created after the head's iteration (both dates are the server's).
 * Among those, a context's latest is the one with the highest id: a service updates a status by posting a
 * new one with the same context, and ids grow in posting order (dates can tie to the millisecond).
 */
export const currentStatuses = (
  statuses: ReadonlyArray<AdoPullRequestStatus>,
  iterations: ReadonlyArray<AdoIteration>,
  headSha: string,
): ReadonlyArray<AdoPullRequestStatus> => {
  const byId = iterations.toSorted((a, b) => b.id - a.id)
  const head = byId.find((i) => i.sourceRefCommit != null && sameCommit(i.sourceRefCommit.commitId, headSha)) ??
    byId[0]
  const since = head?.createdDate == null ? Number.NaN : Date.parse(head.createdDate)
  const isCurrent = (status: AdoPullRequestStatus) => {
    if (head === undefined) return true
    if (status.iterationId != null) return status.iterationId === head.id
    const created = status.creationDate == null ? Number.NaN : Date.parse(status.creationDate)
    return Number.isNaN(since) || Number.isNaN(created) || created >= since
  }
  const latest = new Map<string, AdoPullRequestStatus>()
  for (const status of statuses.filter(isCurrent)) {
    const key = statusName(status).toLowerCase()
    const known = latest.get(key)
    if (known === undefined || status.id > known.id) latest.set(key, status)
  }
  return [...latest.values()].toSorted((a, b) => a.id - b.id)
}
