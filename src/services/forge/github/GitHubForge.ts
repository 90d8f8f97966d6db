/** The GitHub forge (github.com and Enterprise Server): the Forge port over REST with a token. */
import type { CommandExecutor } from "@effect/platform/CommandExecutor"
import type { HttpClient } from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Encoding from "effect/Encoding"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { AppConfig } from "../../config/AppConfig.ts"
import type { ConfigMissing, ConfigRequired } from "../../config/ConfigError.ts"
import { Forge, type NewPullRequest, Repository } from "../Forge.ts"
import { type ForgeError, ForgeNotFound } from "../ForgeError.ts"
import { capText, foundOr, onceSucceeded, postOnce } from "../forge_effects.ts"
import type { GitHubRepoUrl } from "../repo_url.ts"
import { makeGitHubChecks } from "./github_checks.ts"
import { makeGitHubHttp } from "./github_http.ts"
import { parseThreadId, quotedReply, toIdentity, toPullRequest, toThreads } from "./mapping.ts"
import {
  GitHubIssueComment,
  GitHubPullRequest,
  GitHubRepository,
  GitHubReview,
  GitHubReviewComment,
  GitHubUser,
} from "./schemas.ts"
import { type GhAuthToken, ghAuthToken, requireToken } from "./token.ts"

export interface GitHubForgeOptions {
  /** `https://api.github.com` or `https://HOST/api/v3`, without a trailing slash. */
  readonly apiUrl: string
  readonly owner: string
  readonly repo: string
  /** Derived from the repository URL, so the git credential only ever goes to the configured host. */
  readonly cloneUrl: string
  readonly token: Redacted.Redacted<string>
  readonly trustedAssociations: ReadonlyArray<string>
}

/** GitHub refuses longer bodies ("body is too long (maximum is 65536 characters)"). */
export const MAX_BODY = 65536
const capBody = capText(MAX_BODY)

/** The header actions/checkout gives git: basic auth of `x-access-token:TOKEN`, base64 on one line. */
export const gitAuthHeader = (token: Redacted.Redacted<string>): Redacted.Redacted<string> =>
  Redacted.make(`Authorization: Basic ${Encoding.encodeBase64(`x-access-token:${Redacted.value(token)}`)}`)

const isDuplicate = (error: ForgeError): boolean =>
  error._tag === "ForgeRejected" && error.status === 422 && /already exists/i.test(error.detail)

export const make = Effect.fn("GitHubForge.make")(function* (options: GitHubForgeOptions) {
  const http = yield* makeGitHubHttp({ apiUrl: options.apiUrl, token: options.token })
  const { send, list } = http
  const repoPath = `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}`
  const { checks, comment } = yield* makeGitHubChecks(http, repoPath)
  const slug = `${options.owner}/${options.repo}`

  const identity = yield* onceSucceeded(
    send({ method: "GET", path: "/user", what: "the token's user", schema: GitHubUser }).pipe(
      Effect.map(toIdentity),
      Effect.withSpan("GitHub.identity"),
    ),
  )

  const repositoryPayload = yield* onceSucceeded(
    send({ method: "GET", path: repoPath, what: `repository ${slug}`, schema: GitHubRepository, repositoryLevel: true })
      .pipe(Effect.withSpan("GitHub.repository")),
  )
  const repository = Effect.map(repositoryPayload, (repo) =>
    new Repository({
      name: repo.name,
      defaultBranch: repo.default_branch,
      cloneUrl: options.cloneUrl,
      webUrl: repo.html_url,
    }))

  const findPullRequest = Effect.fn("GitHub.findPullRequest")(function* (sourceBranch: string) {
    const repo = yield* repositoryPayload
    // A bare `head=branch` is silently ignored and lists every PR: always `owner:branch`, and check the answer.
    const open = yield* list({
      method: "GET",
      path: `${repoPath}/pulls`,
      query: { head: `${repo.owner.login}:${sourceBranch}`, state: "open" },
      what: `pull requests of ${sourceBranch}`,
      schema: GitHubPullRequest,
      repositoryLevel: true,
    })
    return Option.map(Option.fromNullable(open.find((pr) => pr.head.ref === sourceBranch)), toPullRequest)
  })

  const createPullRequest = Effect.fn("GitHub.createPullRequest")(function* (input: NewPullRequest) {
    const existing = yield* findPullRequest(input.sourceBranch)
    if (Option.isSome(existing)) return existing.value
    return yield* send({
      method: "POST",
      path: `${repoPath}/pulls`,
      what: `branch ${input.sourceBranch}`,
      schema: GitHubPullRequest,
      body: {
        title: input.title,
        head: input.sourceBranch,
        base: input.targetBranch,
        body: capBody(input.description),
      },
      idempotent: false,
    }).pipe(
      Effect.map(toPullRequest),
      // Another run (or a lost answer) got there first: 422 "A pull request already exists", and theirs is ours.
      Effect.catchIf(
        (error) => isDuplicate(error) || error._tag === "ForgeUnavailable",
        (error) => foundOr(findPullRequest(input.sourceBranch), Effect.fail(error)),
      ),
    )
  })

  const pullRequest = Effect.fn("GitHub.pullRequest")(function* (number: number) {
    const pr = yield* send({
      method: "GET",
      path: `${repoPath}/pulls/${number}`,
      what: `pull request ${number}`,
      schema: GitHubPullRequest,
    })
    return toPullRequest(pr)
  })

  const threads = Effect.fn("GitHub.threads")(function* (number: number) {
    const own = yield* identity
    const [reviewComments, issueComments, reviews] = yield* Effect.all([
      list({
        method: "GET",
        path: `${repoPath}/pulls/${number}/comments`,
        what: `pull request ${number}`,
        schema: GitHubReviewComment,
      }),
      list({
        method: "GET",
        path: `${repoPath}/issues/${number}/comments`,
        what: `pull request ${number}`,
        schema: GitHubIssueComment,
      }),
      list({
        method: "GET",
        path: `${repoPath}/pulls/${number}/reviews`,
        what: `pull request ${number}`,
        schema: GitHubReview,
      }),
    ])
    return toThreads({ reviewComments, issueComments, reviews }, {
      ownId: own.id,
      trustedAssociations: options.trustedAssociations,
    })
  })

  /** The words a reply quotes when it answers an issue comment or a review body (they have no reply endpoint). */
  const quoted = (
    number: number,
    ref: { readonly kind: "issue-comment" | "review"; readonly id: number },
  ): Effect.Effect<{ readonly author: string; readonly text: string }, ForgeError> => {
    const words = (c: { readonly user: { readonly login: string } | null; readonly body: string | null }) => ({
      author: c.user?.login ?? "ghost",
      text: c.body ?? "",
    })
    return ref.kind === "issue-comment"
      ? Effect.map(
        send({
          method: "GET",
          path: `${repoPath}/issues/comments/${ref.id}`,
          what: `comment ${ref.id}`,
          schema: GitHubIssueComment,
        }),
        words,
      )
      : Effect.map(
        send({
          method: "GET",
          path: `${repoPath}/pulls/${number}/reviews/${ref.id}`,
          what: `review ${ref.id}`,
          schema: GitHubReview,
        }),
        words,
      )
  }

  /** devvy's comment with these words in that thread, should a reply's answer have been lost. */
  const alreadyReplied = (number: number, threadId: string, content: string) =>
    Effect.map(threads(number), (all) =>
      Option.fromNullable(
        all.find((t) => t.id === threadId)?.comments.find((c) => c.isOwn && c.content.trim() === content.trim())?.id,
      ))

  const reply = Effect.fn("GitHub.reply")(function* (number: number, threadId: string, content: string) {
    const ref = yield* Option.match(parseThreadId(threadId), {
      onNone: () => Effect.fail(new ForgeNotFound({ what: `thread ${threadId}`, url: `${repoPath}/pulls/${number}` })),
      onSome: Effect.succeed,
    })
    const post = ref.kind === "review-comment"
      // Replies go to the thread's first comment: GitHub does not take replies to replies.
      ? send({
        method: "POST",
        path: `${repoPath}/pulls/${number}/comments/${ref.id}/replies`,
        what: `review comment ${ref.id}`,
        schema: GitHubReviewComment,
        body: { body: capBody(content) },
        idempotent: false,
      })
      : Effect.flatMap(quoted(number, ref), (words) =>
        send({
          method: "POST",
          path: `${repoPath}/issues/${number}/comments`,
          what: `pull request ${number}`,
          schema: GitHubIssueComment,
          body: { body: capBody(quotedReply(threadId, words, content)) },
          idempotent: false,
        }))
    const posted = Effect.map(post, (comment) => String(comment.id))
    return yield* postOnce(posted, alreadyReplied(number, threadId, content))
  })

  return Forge.of({
    kind: "github",
    identity,
    repository,
    findPullRequest,
    createPullRequest,
    pullRequest,
    threads,
    reply,
    // REST has no thread resolution (only GraphQL's resolveReviewThread): nothing to set.
    setThreadStatus: () => Effect.void,
    checks,
    comment,
    gitAuthHeader: Option.some(gitAuthHeader(options.token)),
  })
})

/**
 * The forge for a ticket's GitHub repository, its URL already parsed. The token comes from the
 * configuration for the API's host (environment over file), else from `gh auth token` for it; `gh` is injectable
 * for tests.
 */
export const layer = (
  repo: GitHubRepoUrl,
  gh?: GhAuthToken,
): Layer.Layer<Forge, ConfigMissing | ConfigRequired, AppConfig | HttpClient | CommandExecutor> =>
  Layer.effect(
    Forge,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const token = yield* requireToken(config, repo.apiUrl, gh ?? (yield* ghAuthToken))
      return yield* make({
        apiUrl: repo.apiUrl,
        owner: repo.owner,
        repo: repo.repo,
        cloneUrl: repo.cloneUrl,
        token,
        trustedAssociations: config.github.trustedAssociations,
      })
    }),
  )
