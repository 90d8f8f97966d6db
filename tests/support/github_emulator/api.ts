/** What tests see of the GitHub emulator: its options, recorded requests and controls. */
import type { Effect } from "effect"
import type { MergeOutcome, RepoSource } from "../git_server/git.ts"
import type { Limit } from "./http.ts"
import type {
  AuthorAssociation,
  CheckConclusion,
  CheckStatus,
  CommentRecord,
  IssueRecord,
  ReviewCommentRecord,
  ReviewRecord,
  ReviewState,
  UserType,
} from "./model.ts"

export type {
  AuthorAssociation,
  CheckConclusion,
  CheckStatus,
  CommentRecord,
  IssueRecord,
  Limit,
  MergeOutcome,
  RepoSource,
  ReviewCommentRecord,
  ReviewRecord,
  ReviewState,
}

export interface RepoSeed extends RepoSource {
  /** `name` (in the default owner) or `owner/name`. */
  readonly name: string
  /** Defaults to true: a private repository is a 404 to tokens that cannot see it. */
  readonly private?: boolean
}

export interface TokenGrant {
  readonly token: string
  readonly login: string
  /** `owner/name` of the repositories it can see; all when left out. */
  readonly repos?: ReadonlyArray<string>
  /** What the token's user is to the repositories; defaults to MEMBER. */
  readonly association?: AuthorAssociation
}

export interface GithubEmulatorOptions {
  /** The token devvy is given; its user is `login`. */
  readonly token: string
  /** The token's user; defaults to `devvy-bot`. */
  readonly login?: string
  /** Further tokens, for example one that cannot see a repository. */
  readonly tokens?: ReadonlyArray<TokenGrant>
  /** The owner of repositories seeded by bare name; defaults to `acme`. */
  readonly owner?: string
  readonly repos?: ReadonlyArray<RepoSeed>
  /** The largest page any list answers with (GitHub: 100); defaults to 2 so clients walk pages. */
  readonly maxPageSize?: number
  /** Check names every commit reports as passing unless a failure replaces them; defaults to `["build"]`. */
  readonly defaultChecks?: ReadonlyArray<string>
  /** How long a job log's pre-signed URL stays valid; GitHub says 1 minute. */
  readonly logLinkSeconds?: number
}

export interface RecordedRequest {
  readonly method: string
  /** The full URL, host and query included. */
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  /** The request body for API calls (git's pack data is not kept). */
  readonly body: string
  readonly status: number
}

/** Who a scripted comment is written by; defaults to the emulator's reviewer (`rita-reviewer`, MEMBER). */
export interface Actor {
  readonly login: string
  /** Defaults to `Bot` for logins ending in `[bot]`, else `User`. */
  readonly type?: UserType
  readonly association?: AuthorAssociation
}

export interface InjectedCheck {
  readonly name: string
  /** Defaults to `completed`. */
  readonly status?: CheckStatus
  /** Defaults to `failure` for a completed run. */
  readonly conclusion?: CheckConclusion | null
  /** `github-actions` (the default: the run is a job with a log) or another app's slug (no log). */
  readonly app?: string
  /** The job's log text, served through the redirect. */
  readonly log?: string
  readonly title?: string
  readonly summary?: string
}

export interface GithubEmulator {
  /** `http://127.0.0.1:{port}`: web pages and git live here. */
  readonly webUrl: string
  /** `{webUrl}/api/v3`: what `github.api_url` is set to (the Enterprise Server form). */
  readonly apiUrl: string
  /** Where job-log redirects point: another origin, as GitHub's pre-signed storage URLs are. */
  readonly logUrl: string
  readonly owner: string
  /** The login of the main token's user. */
  readonly login: string
  /** `{webUrl}/{owner}/{repo}`; `repo` is `name` or `owner/name`. */
  readonly repoUrl: (repo: string) => string
  /** `{webUrl}/{owner}/{repo}.git` */
  readonly cloneUrl: (repo: string) => string
  readonly bareRepoPath: (repo: string) => string
  readonly seedRepo: (seed: RepoSeed) => Effect.Effect<void>
  /** Runs git in the bare repository; returns trimmed stdout. */
  readonly git: (repo: string, args: ReadonlyArray<string>) => Effect.Effect<string>
  /** Answers the next `times` API requests with a primary or secondary rate limit, or a server error. */
  readonly limit: (limit: Limit) => Effect.Effect<void>
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
  readonly clearRequests: Effect.Effect<void>
  /** Issues and pull requests of `repo` (pull requests carry `pull`). */
  readonly issues: (repo: string) => Effect.Effect<ReadonlyArray<IssueRecord>>
  readonly issueComments: (repo: string, number: number) => Effect.Effect<ReadonlyArray<CommentRecord>>
  readonly reviewComments: (repo: string, number: number) => Effect.Effect<ReadonlyArray<ReviewCommentRecord>>
  readonly reviews: (repo: string, number: number) => Effect.Effect<ReadonlyArray<ReviewRecord>>
  /** Opens an issue; returns its number. */
  readonly createIssue: (
    repo: string,
    issue: {
      readonly title: string
      readonly body?: string
      readonly labels?: ReadonlyArray<string>
      readonly by?: Actor
      /** Defaults to open. */
      readonly state?: "open" | "closed"
    },
  ) => Effect.Effect<number>
  /** Scripted people, as in GitHub's web UI. Comment functions return the new comment's id. */
  readonly review: {
    /** A line comment on the pull request's current head (`line` null or absent: a file comment). */
    readonly lineComment: (
      repo: string,
      number: number,
      comment: { readonly body: string; readonly path: string; readonly line?: number; readonly by?: Actor },
    ) => Effect.Effect<number>
    /** A reply in the thread of review comment `commentId` (its root, when given a reply). */
    readonly reply: (repo: string, number: number, commentId: number, body: string, by?: Actor) => Effect.Effect<number>
    readonly issueComment: (repo: string, number: number, body: string, by?: Actor) => Effect.Effect<number>
    /** A submitted review with a body (`state` defaults to COMMENTED). */
    readonly submit: (
      repo: string,
      number: number,
      review: { readonly body: string; readonly state?: ReviewState; readonly by?: Actor },
    ) => Effect.Effect<number>
    readonly editComment: (repo: string, commentId: number, body: string) => Effect.Effect<void>
    /** Merges the head into the base with a real git merge; the pull request ends merged and closed. */
    readonly merge: (repo: string, number: number) => Effect.Effect<MergeOutcome>
    readonly close: (repo: string, number: number) => Effect.Effect<void>
  }
  /** CI results, as GitHub Actions or another app would report them. */
  readonly checks: {
    /** A check run on the pull request's current head; returns its id (an Actions job's id too). */
    readonly fail: (repo: string, number: number, check: InjectedCheck) => Effect.Effect<number>
    /** A check run on any ref (sha or branch). */
    readonly add: (repo: string, ref: string, check: InjectedCheck) => Effect.Effect<number>
    /** A commit status, as non-Checks CI posts it. */
    readonly setStatus: (
      repo: string,
      ref: string,
      status: { readonly context: string; readonly state: "error" | "failure" | "pending" | "success" },
    ) => Effect.Effect<void>
    /** The job's logs pass their retention: the API answers 410. */
    readonly expireLogs: (jobId: number) => Effect.Effect<void>
  }
}
