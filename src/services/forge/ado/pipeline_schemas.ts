/**
 * The parts of Azure DevOps' policy evaluation, pull request head, pull request status and iteration, build,
 * build timeline and build log payloads that the checks read (reference: github-workitems-checks.md §4). Unknown fields are ignored.
 */
import * as Schema from "effect/Schema"

/** The Build policy type; other policies (reviewers, comments, work items) are not CI. */
export const BUILD_POLICY_TYPE = "0609b952-1397-4640-95ec-e00a01b2c241"

export const EvaluationStatus = Schema.Literal("queued", "running", "approved", "rejected", "notApplicable", "broken")
export type EvaluationStatus = typeof EvaluationStatus.Type

export const AdoPolicyEvaluation = Schema.Struct({
  status: EvaluationStatus,
  configuration: Schema.Struct({
    id: Schema.Number,
    isEnabled: Schema.optional(Schema.Boolean),
    isBlocking: Schema.optional(Schema.Boolean),
    type: Schema.Struct({ id: Schema.String }),
    settings: Schema.optional(Schema.NullOr(Schema.Struct({
      displayName: Schema.optional(Schema.NullOr(Schema.String)),
    }))),
  }),
  // Untyped on the service (a JObject); these are the fields a build policy writes.
  context: Schema.optional(Schema.NullOr(Schema.Struct({
    buildId: Schema.optional(Schema.NullOr(Schema.Number)),
    buildDefinitionName: Schema.optional(Schema.NullOr(Schema.String)),
    isExpired: Schema.optional(Schema.NullOr(Schema.Boolean)),
    lastMergeSourceCommitId: Schema.optional(Schema.NullOr(Schema.String)),
  }))),
})
export type AdoPolicyEvaluation = typeof AdoPolicyEvaluation.Type

/** What the checks need of a pull request: its head commit and the project id its artifact id is built from. */
export const AdoPullRequestHead = Schema.Struct({
  pullRequestId: Schema.Number,
  lastMergeSourceCommit: Schema.optional(Schema.Struct({ commitId: Schema.String })),
  repository: Schema.Struct({ project: Schema.Struct({ id: Schema.String }) }),
})

export const AdoTimelineRecord = Schema.Struct({
  id: Schema.String,
  parentId: Schema.optional(Schema.NullOr(Schema.String)),
  type: Schema.optional(Schema.NullOr(Schema.String)),
  name: Schema.optional(Schema.NullOr(Schema.String)),
  order: Schema.optional(Schema.NullOr(Schema.Number)),
  result: Schema.optional(Schema.NullOr(Schema.String)),
  log: Schema.optional(Schema.NullOr(Schema.Struct({ id: Schema.Number }))),
  issues: Schema.optional(Schema.NullOr(Schema.Array(Schema.Struct({
    type: Schema.optional(Schema.NullOr(Schema.String)),
    message: Schema.optional(Schema.NullOr(Schema.String)),
  })))),
})
export type AdoTimelineRecord = typeof AdoTimelineRecord.Type

export const AdoTimeline = Schema.Struct({ records: Schema.Array(AdoTimelineRecord) })

export const AdoBuildLog = Schema.Struct({ id: Schema.Number, lineCount: Schema.optional(Schema.Number) })

const Text = Schema.optional(Schema.NullOr(Schema.String))

/** A status another service posted on the pull request: `GitPullRequestStatus`. */
export const StatusState = Schema.Literal("notSet", "pending", "succeeded", "failed", "error", "notApplicable")
export type StatusState = typeof StatusState.Type

export const AdoPullRequestStatus = Schema.Struct({
  /** Unique within the pull request across its iterations, and handed out in the order statuses are posted. */
  id: Schema.Number,
  /** Absent for a status posted on the pull request rather than on one of its iterations. */
  iterationId: Schema.optional(Schema.NullOr(Schema.Number)),
  // `notSet` is the enum's default; a status posted without a state may come back without one.
  state: Schema.optional(Schema.NullOr(StatusState)),
  description: Text,
  targetUrl: Text,
  context: Schema.Struct({ name: Schema.String, genre: Text }),
  creationDate: Text,
})
export type AdoPullRequestStatus = typeof AdoPullRequestStatus.Type

/** One push to the pull request's source branch (the first is its creation): `GitPullRequestIteration`. */
export const AdoIteration = Schema.Struct({
  id: Schema.Number,
  sourceRefCommit: Schema.optional(Schema.NullOr(Schema.Struct({ commitId: Schema.String }))),
  createdDate: Text,
})
export type AdoIteration = typeof AdoIteration.Type

export const BuildStatus = Schema.Literal("none", "inProgress", "completed", "cancelling", "postponed", "notStarted")
export const BuildResult = Schema.Literal("none", "succeeded", "partiallySucceeded", "failed", "canceled")

/** A run of a pipeline, as the builds list gives it; a pull request build says which head it built. */
export const AdoBuild = Schema.Struct({
  id: Schema.Number,
  status: Schema.optional(Schema.NullOr(BuildStatus)),
  // Absent until the build completes.
  result: Schema.optional(Schema.NullOr(BuildResult)),
  definition: Schema.optional(Schema.NullOr(Schema.Struct({ name: Text }))),
  triggerInfo: Schema.optional(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.String }))),
})
export type AdoBuild = typeof AdoBuild.Type
