/** What tests see of the emulator: its options, faults, recorded requests and controls. */
import type { Effect } from "effect"
import type { MergeOutcome, RepoSource } from "../git_server/git.ts"
import type { IdentityRef, PullRequestRecord, ThreadRecord, WorkItemRecord } from "./model.ts"
import type { NewWorkItem } from "./state.ts"
import type { PipelineControls } from "./pipelines.ts"
import type { StatusControls } from "./statuses.ts"

export type { IdentityRef, MergeOutcome, NewWorkItem, PullRequestRecord, RepoSource, ThreadRecord, WorkItemRecord }

export interface RepoSeed extends RepoSource {
  readonly name: string
}

export interface AdoEmulatorOptions {
  readonly pat: string
  /** Defaults to `org`. */
  readonly org?: string
  /** Defaults to `proj`; may contain spaces. */
  readonly project?: string
  readonly repos?: ReadonlyArray<RepoSeed>
  /** Answer a wrong PAT with the 203 HTML sign-in page, unless the client sends `X-TFS-FedAuthRedirect: Suppress`. */
  readonly signInPage?: boolean
}

/** Answers the next `times` requests (whose path contains `path`, case-insensitively) with `status`. */
export interface Fault {
  /** 200 serves the request normally but adds `Retry-After`: Azure DevOps' "delayed, not blocked". */
  readonly status: 200 | 203 | 401 | 429 | 500 | 503
  readonly retryAfterSeconds?: number
  readonly times?: number
  readonly path?: string
  /** Carry the request out, then answer with the fault: the answer to a request that did happen is lost. */
  readonly afterProcessing?: boolean
}

export interface RecordedRequest {
  readonly method: string
  /** Path and query string. */
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  /** The request body, for REST calls (git's pack data is not kept). */
  readonly body: string
  readonly status: number
}

export interface ReviewComment {
  readonly content: string
  /** A file thread when given (a leading `/` is added as Azure DevOps does). */
  readonly filePath?: string
  readonly line?: number
  /** Defaults to the emulator's reviewer. */
  readonly author?: IdentityRef
}

export interface AdoEmulator {
  /** `http://127.0.0.1:{port}` */
  readonly baseUrl: string
  /** `{baseUrl}/{org}`: what `ado.org_url` is set to. */
  readonly orgUrl: string
  readonly project: string
  /** The identity the PAT belongs to (what connectionData answers). */
  readonly owner: IdentityRef
  /** Who scripted review comments are written by unless told otherwise. */
  readonly reviewer: IdentityRef
  /** `{orgUrl}/{project}/_git/{repo}`: the clone URL and the repository URL a ticket names. */
  readonly repoUrl: (repo: string) => string
  /** The bare repository on disk behind `repo`. */
  readonly bareRepoPath: (repo: string) => string
  readonly seedRepo: (name: string, source?: RepoSource) => Effect.Effect<void>
  /** Runs git inside the bare repository (for example `rev-parse refs/heads/main`); returns trimmed stdout. */
  readonly git: (repo: string, args: ReadonlyArray<string>) => Effect.Effect<string>
  readonly injectFault: (fault: Fault) => Effect.Effect<void>
  readonly setSignInPage: (on: boolean) => Effect.Effect<void>
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  readonly clearRequests: Effect.Effect<void>
  readonly pullRequests: Effect.Effect<ReadonlyArray<PullRequestRecord>>
  /** The next `times` pull-request lists answer empty, so a client races a create it cannot see yet. */
  readonly staleListings: (times: number) => Effect.Effect<void>
  readonly threads: (pullRequestId: number) => Effect.Effect<ReadonlyArray<ThreadRecord>>
  /** The repository's build validation: every head of a pull request builds, green unless told otherwise. */
  readonly pipeline: PipelineControls
  /** The statuses services outside Azure Pipelines post on a pull request, and its iterations. */
  readonly statuses: StatusControls
  /** Adds a work item to the project; returns its id. */
  readonly addWorkItem: (item: NewWorkItem) => Effect.Effect<number>
  /** A work item as stored: its fields, relations (links to pull requests) and comments. */
  readonly workItem: (id: number) => Effect.Effect<WorkItemRecord>
  /** Scripted reviewer actions, as a person in the Azure DevOps web UI would do them. */
  readonly review: {
    /** Opens a thread; returns its id (its first comment is id 1). */
    readonly comment: (pullRequestId: number, comment: ReviewComment) => Effect.Effect<number>
    /** Answers in a thread; returns the comment's id within the thread. */
    readonly reply: (
      pullRequestId: number,
      threadId: number,
      content: string,
      author?: IdentityRef,
    ) => Effect.Effect<number>
    /** A vote, push or status notice: no status, commentType system, a CodeReviewThreadType property. */
    readonly systemThread: (pullRequestId: number, content: string, type?: string) => Effect.Effect<number>
    readonly deleteComment: (pullRequestId: number, threadId: number, commentId: number) => Effect.Effect<void>
    readonly setThreadStatus: (pullRequestId: number, threadId: number, status: string) => Effect.Effect<void>
    /** Merges the source branch into the target in the bare repository (fast-forward or merge commit). */
    readonly complete: (pullRequestId: number) => Effect.Effect<MergeOutcome>
    readonly abandon: (pullRequestId: number) => Effect.Effect<void>
  }
}
