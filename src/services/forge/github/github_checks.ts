/**
 * The CI checks of a GitHub pull request (reference: github-workitems-checks.md §2): the check runs of its
 * head commit (the latest of each) and the commit statuses of CI outside the Checks API. A failed Actions
 * job gives its log, fetched from where `/actions/jobs/{id}/logs` redirects: a pre-signed storage URL that
 * gets no token (GitHub's documentation: the link needs none and expires after a minute). Another app's
 * check gives its output. Needs the token's Checks (read), Actions (read) and Commit statuses (read).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { checkOutput } from "../check_output.ts"
import type { Check, PullRequestChecks } from "../Forge.ts"
import { type ForgeError, ForgeRejected, ForgeUnavailable } from "../ForgeError.ts"
import { actionsJobId, checkRunState, commitStatusState } from "./check_state.ts"
import type { GitHubHttp } from "./github_http.ts"
import { GitHubIssueComment, GitHubPullRequest } from "./schemas.ts"

const Text = Schema.optional(Schema.NullOr(Schema.String))

const CheckRun = Schema.Struct({
  id: Schema.Number,
  name: Schema.String,
  status: Schema.String,
  conclusion: Schema.optional(Schema.NullOr(Schema.String)),
  details_url: Text,
  app: Schema.optional(Schema.NullOr(Schema.Struct({ slug: Schema.optional(Schema.String) }))),
  output: Schema.optional(Schema.NullOr(Schema.Struct({ title: Text, summary: Text, text: Text }))),
})
type CheckRun = typeof CheckRun.Type

const CheckRuns = Schema.Struct({ check_runs: Schema.Array(CheckRun) })

const CombinedStatus = Schema.Struct({
  statuses: Schema.Array(Schema.Struct({
    context: Schema.String,
    state: Schema.String,
    description: Text,
    target_url: Text,
  })),
})

/** A pre-signed URL without its query: the signature is a credential, so it is never in a message. */
const withoutQuery = (url: string) => URL.canParse(url) ? `${new URL(url).origin}${new URL(url).pathname}` : "(a URL)"

export const makeGitHubChecks = Effect.fnUntraced(function* (
  { send, pages }: GitHubHttp,
  repoPath: string,
) {
  // The storage host gets a plain request: no token, and no span of its own holding the signed URL.
  const storage = HttpClient.withTracerDisabledWhen(yield* HttpClient.HttpClient, () => true)

  const download = (location: string): Effect.Effect<string, ForgeError> =>
    Effect.gen(function* () {
      const response = yield* storage.execute(
        HttpClientRequest.get(location).pipe(HttpClientRequest.setHeader("user-agent", "devvy")),
      )
      if (response.status !== 200) {
        return yield* new ForgeRejected({
          url: withoutQuery(location),
          status: response.status,
          detail: "the job log's download link was refused (it lasts a minute)",
        })
      }
      return yield* response.text
    }).pipe(
      Effect.catchTags({
        RequestError: (error: HttpClientError.RequestError) =>
          new ForgeUnavailable({ url: withoutQuery(location), detail: error.message }),
        ResponseError: (error: HttpClientError.ResponseError) =>
          new ForgeUnavailable({ url: withoutQuery(location), detail: error.message }),
      }),
    )

  const jobLog = (jobId: number): Effect.Effect<string, ForgeError> =>
    send({
      method: "GET",
      path: `${repoPath}/actions/jobs/${jobId}/logs`,
      what: `the log of job ${jobId}`,
      schema: Schema.String,
      redirect: true,
    }).pipe(
      Effect.flatMap(download),
      // A link that expired on the way is asked for again, once.
      Effect.retry({ times: 1, while: (error) => error._tag === "ForgeRejected" && error.status === 403 }),
      Effect.withSpan("GitHub.jobLog", { attributes: { "devvy.job": jobId } }),
    )

  const runCheck = (run: CheckRun): Check => {
    const jobId = actionsJobId(run)
    return {
      name: run.name,
      state: checkRunState(run.status, run.conclusion),
      log: jobId === undefined
        ? Effect.succeed(checkOutput([run.output?.title, run.output?.summary, run.output?.text, run.details_url]))
        : jobLog(jobId),
    }
  }

  const checks = Effect.fn("GitHub.checks")(function* (number: number) {
    const pr = yield* send({
      method: "GET",
      path: `${repoPath}/pulls/${number}`,
      what: `pull request ${number}`,
      schema: GitHubPullRequest,
    })
    const headSha = pr.head.sha ?? ""
    if (headSha === "") return { headSha, checks: [] } satisfies PullRequestChecks
    const check_runs = (yield* pages({
      method: "GET",
      path: `${repoPath}/commits/${headSha}/check-runs`,
      query: { filter: "latest" },
      what: `the check runs of ${headSha}`,
      schema: CheckRuns,
    })).flatMap((page) => page.check_runs)
    // A repository on Actions alone has no statuses: only the statuses listed count, never the combined state.
    const { statuses } = yield* send({
      method: "GET",
      path: `${repoPath}/commits/${headSha}/status`,
      what: `the commit statuses of ${headSha}`,
      schema: CombinedStatus,
    })
    const found: Array<Check> = [
      ...check_runs.map(runCheck),
      ...statuses.map((status): Check => ({
        name: status.context,
        state: commitStatusState(status.state),
        log: Effect.succeed(checkOutput([status.description, status.target_url])),
      })),
    ]
    return { headSha, checks: found } satisfies PullRequestChecks
  })

  /** An issue comment on the pull request: the conversation, not a review thread. */
  const comment = Effect.fn("GitHub.comment")(function* (number: number, content: string) {
    const posted = yield* send({
      method: "POST",
      path: `${repoPath}/issues/${number}/comments`,
      what: `pull request ${number}`,
      schema: GitHubIssueComment,
      body: { body: content },
      idempotent: false,
    })
    return String(posted.id)
  })

  return { checks, comment }
})
