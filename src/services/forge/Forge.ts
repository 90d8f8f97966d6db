import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { ForgeError } from "./ForgeError.ts"

export const PullRequestStatus = Schema.Literal("active", "completed", "abandoned")
export type PullRequestStatus = typeof PullRequestStatus.Type

export class PullRequest extends Schema.Class<PullRequest>("PullRequest")({
  number: Schema.Number,
  /** The page a person opens to review it. */
  url: Schema.String,
  status: PullRequestStatus,
  title: Schema.String,
  sourceBranch: Schema.String,
  targetBranch: Schema.String,
}) {}

export class Repository extends Schema.Class<Repository>("Repository")({
  name: Schema.String,
  /** Without the `refs/heads/` prefix. */
  defaultBranch: Schema.String,
  cloneUrl: Schema.String,
  webUrl: Schema.String,
}) {}

export class Identity extends Schema.Class<Identity>("Identity")({
  id: Schema.String,
  name: Schema.String,
}) {}

export class ReviewComment extends Schema.Class<ReviewComment>("ReviewComment")({
  /** Unique within its thread only (ADO restarts comment ids per thread). */
  id: Schema.String,
  author: Identity,
  content: Schema.String,
  publishedAt: Schema.DateFromSelf,
  /** Written by the identity devvy acts as. */
  isOwn: Schema.Boolean,
  /**
   * The forge's own verdict on the author, before the pipeline's rules (bots, `ignore_authors`): false on
   * GitHub for apps and for people whose association with the repository is not trusted. Forges with no
   * such notion leave it true.
   */
  authorTrusted: Schema.optionalWith(Schema.Boolean, { default: () => true }),
}) {}

export class ReviewThread extends Schema.Class<ReviewThread>("ReviewThread")({
  id: Schema.String,
  status: Schema.String,
  /** Votes, pushes and status changes: never a reviewer's words. */
  isSystem: Schema.Boolean,
  filePath: Schema.OptionFromSelf(Schema.String),
  line: Schema.OptionFromSelf(Schema.Number),
  comments: Schema.Array(ReviewComment),
}) {}

export interface NewPullRequest {
  readonly sourceBranch: string
  readonly targetBranch: string
  readonly title: string
  readonly description: string
  /** Azure DevOps work items the pull request links to (`workItemRefs`); other forges ignore them. */
  readonly workItemIds?: ReadonlyArray<number>
}

export type ThreadStatus = "active" | "fixed" | "wontFix" | "closed"

/** Where a CI check stands: a check still queued or running is pending, never failed. */
export const CheckState = Schema.Literal("pending", "passed", "failed")
export type CheckState = typeof CheckState.Type

/** One CI check of a pull request's head commit (an Actions job, a step of an Azure Pipelines build). */
export interface Check {
  readonly name: string
  readonly state: CheckState
  /**
   * What the CI says about a failure: the job's log, or the check's own title and summary when it has no
   * log. Read only for failed checks; untrusted, and possibly large (the caller keeps its tail).
   */
  readonly log: Effect.Effect<string, ForgeError>
}

export interface PullRequestChecks {
  /** The pull request's head commit; the checks are those of this commit. Empty with no checks. */
  readonly headSha: string
  readonly checks: ReadonlyArray<Check>
}

/**
 * One forge (SPEC §6): Azure DevOps, GitHub, the local forge. A per-ticket value, built from the
 * ticket's repository URL, so a port with several adapters rather than a single service.
 */
export class Forge extends Context.Tag("devvy/Forge")<Forge, {
  readonly kind: "ado" | "github" | "local"
  /** Who devvy acts as; comments by this identity are devvy's own. */
  readonly identity: Effect.Effect<Identity, ForgeError>
  readonly repository: Effect.Effect<Repository, ForgeError>
  /** The open (active) pull request from this branch, if any: completed and abandoned ones are history. */
  readonly findPullRequest: (sourceBranch: string) => Effect.Effect<Option.Option<PullRequest>, ForgeError>
  /** Idempotent: an open pull request for the same branch is returned, never duplicated. */
  readonly createPullRequest: (input: NewPullRequest) => Effect.Effect<PullRequest, ForgeError>
  readonly pullRequest: (number: number) => Effect.Effect<PullRequest, ForgeError>
  readonly threads: (number: number) => Effect.Effect<ReadonlyArray<ReviewThread>, ForgeError>
  /**
   * Returns the new comment's id. A reply whose answer was lost is not posted again when it is already
   * the thread's last comment.
   */
  readonly reply: (number: number, threadId: string, content: string) => Effect.Effect<string, ForgeError>
  readonly setThreadStatus: (number: number, threadId: string, status: ThreadStatus) => Effect.Effect<void, ForgeError>
  /** The CI checks of the pull request's current head commit; none on a forge without CI. */
  readonly checks: (number: number) => Effect.Effect<PullRequestChecks, ForgeError>
  /** A new comment on the pull request itself, not in a review thread; returns its id. */
  readonly comment: (number: number, content: string) => Effect.Effect<string, ForgeError>
  /**
   * The `http.extraHeader` value git must send to clone and push (`Authorization: Basic …`), or none for
   * a forge that needs no credentials. Passed to git through its environment, never argv or .git/config.
   */
  readonly gitAuthHeader: Option.Option<Redacted.Redacted<string>>
}>() {}
