/** What the GitHub emulator keeps: plain mutable records; payloads.ts builds GitHub's JSON from them on read. */

export type UserType = "User" | "Bot"
export type AuthorAssociation =
  | "OWNER"
  | "MEMBER"
  | "COLLABORATOR"
  | "CONTRIBUTOR"
  | "FIRST_TIMER"
  | "FIRST_TIME_CONTRIBUTOR"
  | "MANNEQUIN"
  | "NONE"

export interface UserRecord {
  readonly id: number
  readonly login: string
  readonly type: UserType
}

export interface RepoRecord {
  readonly id: number
  readonly owner: string
  readonly name: string
  readonly private: boolean
  /** The folder under the git project root: named by id, so any repository name is safe on disk. */
  readonly folder: string
  readonly bareDir: string
  readonly defaultBranch: string
}

export interface LabelRecord {
  readonly id: number
  readonly name: string
  readonly color: string
}

export interface PullFields {
  readonly headRef: string
  readonly baseRef: string
  /** The head commit as last seen: the branch's tip while open, frozen once closed. */
  headSha: string
  draft: boolean
  mergedAt: string | null
  mergeCommitSha: string | null
  mergedBy: UserRecord | null
  /** GitHub computes mergeability in the background: the first read after a change answers null. */
  mergeableKnown: boolean
}

/** Issues and pull requests share one number space per repository, as on GitHub. */
export interface IssueRecord {
  readonly id: number
  readonly number: number
  readonly repoId: number
  title: string
  body: string
  state: "open" | "closed"
  readonly user: UserRecord
  readonly association: AuthorAssociation
  labels: Array<LabelRecord>
  readonly createdAt: string
  updatedAt: string
  closedAt: string | null
  readonly pull?: PullFields
}

export type PullRecord = IssueRecord & { readonly pull: PullFields }

export interface CommentRecord {
  readonly id: number
  readonly repoId: number
  readonly number: number
  readonly user: UserRecord
  readonly association: AuthorAssociation
  body: string
  readonly createdAt: string
  updatedAt: string
}

export interface ReviewCommentRecord extends CommentRecord {
  readonly reviewId: number
  readonly inReplyTo?: number
  readonly path: string
  readonly originalLine: number | null
  readonly side: "LEFT" | "RIGHT"
  readonly originalCommit: string
  readonly diffHunk: string
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING"

export interface ReviewRecord extends CommentRecord {
  readonly state: ReviewState
  readonly commitId: string
}

export type CheckStatus = "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending"
export type CheckConclusion =
  | "success"
  | "failure"
  | "neutral"
  | "cancelled"
  | "skipped"
  | "timed_out"
  | "action_required"
  | "startup_failure"
  | "stale"

export interface CheckRunRecord {
  /** For a GitHub Actions check run this is also its job id (§2.3). */
  readonly id: number
  readonly repoId: number
  readonly headSha: string
  readonly name: string
  readonly status: CheckStatus
  readonly conclusion: CheckConclusion | null
  /** `github-actions`, or another app's slug (whose runs have no job and no log). */
  readonly app: string
  readonly title: string | null
  readonly summary: string | null
  /** The job's log (Actions only). */
  readonly log: string
  logsExpired: boolean
  readonly runId: number
  readonly startedAt: string
  readonly completedAt: string | null
}

export interface StatusRecord {
  readonly id: number
  readonly repoId: number
  readonly sha: string
  readonly context: string
  readonly state: "error" | "failure" | "pending" | "success"
  readonly description: string | null
  readonly targetUrl: string | null
  readonly createdAt: string
}

export const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, "Z")
