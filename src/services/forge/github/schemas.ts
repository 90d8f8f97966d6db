/**
 * The parts of GitHub's REST payloads (API version 2022-11-28) devvy reads. Unknown fields are ignored;
 * fields GitHub leaves out or sets to null for some objects are optional or nullable here.
 */
import * as Schema from "effect/Schema"

/** `{"message":"Validation Failed","errors":[{"resource":"PullRequest","code":"custom","message":"…"}]}` */
export const GitHubError = Schema.Struct({
  message: Schema.String,
  documentation_url: Schema.optional(Schema.String),
  errors: Schema.optional(Schema.Array(Schema.Union(
    Schema.String,
    Schema.Struct({
      resource: Schema.optional(Schema.String),
      field: Schema.optional(Schema.String),
      code: Schema.optional(Schema.String),
      message: Schema.optional(Schema.String),
    }),
  ))),
})
export type GitHubError = typeof GitHubError.Type

export const GitHubUser = Schema.Struct({
  id: Schema.Number,
  login: Schema.String,
  /** `User`, `Bot` (apps: their login ends in `[bot]`) or `Organization`. */
  type: Schema.optional(Schema.String),
})
export type GitHubUser = typeof GitHubUser.Type

export const GitHubRepository = Schema.Struct({
  name: Schema.String,
  full_name: Schema.String,
  default_branch: Schema.String,
  clone_url: Schema.String,
  html_url: Schema.String,
  owner: Schema.Struct({ login: Schema.String }),
})
export type GitHubRepository = typeof GitHubRepository.Type

const Ref = Schema.Struct({ ref: Schema.String, sha: Schema.optional(Schema.String) })

/** Both the full pull request and the list's `pull-request-simple`, which has `merged_at` but no `merged`. */
export const GitHubPullRequest = Schema.Struct({
  number: Schema.Number,
  html_url: Schema.String,
  state: Schema.Literal("open", "closed"),
  title: Schema.String,
  merged: Schema.optional(Schema.NullOr(Schema.Boolean)),
  merged_at: Schema.optional(Schema.NullOr(Schema.String)),
  head: Ref,
  base: Ref,
})
export type GitHubPullRequest = typeof GitHubPullRequest.Type

/** A comment's author: `user` is null for a deleted account ("ghost"). */
const Author = {
  user: Schema.NullOr(GitHubUser),
  author_association: Schema.optionalWith(Schema.String, { default: () => "NONE" }),
}

/** An inline review comment. Outdated ones have `line: null` and keep `original_line`. */
export const GitHubReviewComment = Schema.Struct({
  id: Schema.Number,
  in_reply_to_id: Schema.optional(Schema.Number),
  path: Schema.optional(Schema.NullOr(Schema.String)),
  line: Schema.optional(Schema.NullOr(Schema.Number)),
  original_line: Schema.optional(Schema.NullOr(Schema.Number)),
  body: Schema.String,
  created_at: Schema.String,
  ...Author,
})
export type GitHubReviewComment = typeof GitHubReviewComment.Type

export const GitHubIssueComment = Schema.Struct({
  id: Schema.Number,
  body: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  created_at: Schema.String,
  ...Author,
})
export type GitHubIssueComment = typeof GitHubIssueComment.Type

/** A submitted review; `body` is often empty (a bare approval), `submitted_at` absent while PENDING. */
export const GitHubReview = Schema.Struct({
  id: Schema.Number,
  body: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  state: Schema.String,
  submitted_at: Schema.optional(Schema.NullOr(Schema.String)),
  ...Author,
})
export type GitHubReview = typeof GitHubReview.Type
