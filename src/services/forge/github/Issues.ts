/**
 * GitHub issues as ticket sources (SPEC §8): read one, list the open ones carrying a label, and comment
 * on them. The issues API answers pull requests too (they carry `pull_request`): those are left out.
 */
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { ForgeNotFound } from "../ForgeError.ts"
import { onceSucceeded } from "../forge_effects.ts"
import { makeGitHubHttp } from "./github_http.ts"
import { GitHubIssueComment, GitHubUser } from "./schemas.ts"

export const GitHubIssue = Schema.Struct({
  number: Schema.Number,
  title: Schema.String,
  body: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  html_url: Schema.String,
  state: Schema.String,
  /** Present only on pull requests. */
  pull_request: Schema.optional(Schema.Unknown),
})
export type GitHubIssue = typeof GitHubIssue.Type

/** Issues proper: the issues API lists pull requests among them. */
export const issuesOnly = (items: ReadonlyArray<GitHubIssue>): ReadonlyArray<GitHubIssue> =>
  items.filter((item) => item.pull_request === undefined)

export interface IssuesOptions {
  readonly apiUrl: string
  readonly owner: string
  readonly repo: string
  readonly token: Redacted.Redacted<string>
}

export const makeIssues = Effect.fn("GitHubIssues.make")(function* (options: IssuesOptions) {
  const { send, list } = yield* makeGitHubHttp({ apiUrl: options.apiUrl, token: options.token })
  const repoPath = `/repos/${encodeURIComponent(options.owner)}/${encodeURIComponent(options.repo)}`
  const slug = `${options.owner}/${options.repo}`
  const own = yield* onceSucceeded(send({ method: "GET", path: "/user", what: "the token's user", schema: GitHubUser }))

  const read = Effect.fn("GitHubIssues.read")(function* (number: number) {
    const path = `${repoPath}/issues/${number}`
    const issue = yield* send({ method: "GET", path, what: `issue #${number} of ${slug}`, schema: GitHubIssue })
    if (issue.pull_request !== undefined) {
      return yield* new ForgeNotFound({
        what: `issue #${number} of ${slug} (#${number} is a pull request)`,
        url: `${options.apiUrl}${path}`,
        hint: "give the number of an issue",
      })
    }
    return issue
  })

  /** Open issues with the label, oldest first. */
  const labelled = Effect.fn("GitHubIssues.labelled")(function* (label: string) {
    const items = yield* list({
      method: "GET",
      path: `${repoPath}/issues`,
      query: { state: "open", labels: label, sort: "created", direction: "asc" },
      what: `issues of ${slug}`,
      schema: GitHubIssue,
      repositoryLevel: true,
    })
    return issuesOnly(items)
  })

  const comments = Effect.fn("GitHubIssues.comments")(function* (number: number) {
    const me = yield* own
    const all = yield* list({
      method: "GET",
      path: `${repoPath}/issues/${number}/comments`,
      what: `issue #${number} of ${slug}`,
      schema: GitHubIssueComment,
    })
    return all.flatMap((c) => c.user?.id === me.id && c.body !== null ? [{ id: String(c.id), text: c.body }] : [])
  })

  const addComment = Effect.fn("GitHubIssues.addComment")(function* (number: number, body: string) {
    const comment = yield* send({
      method: "POST",
      path: `${repoPath}/issues/${number}/comments`,
      what: `issue #${number} of ${slug}`,
      schema: GitHubIssueComment,
      body: { body },
      idempotent: false,
    })
    return String(comment.id)
  })

  return { read, labelled, comments, addComment } as const
})
