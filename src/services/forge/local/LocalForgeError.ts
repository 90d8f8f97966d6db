import * as Schema from "effect/Schema"

/** `devvy review` on a ticket whose branch has no pull request on the local forge yet. */
export class NoPullRequest extends Schema.TaggedError<NoPullRequest>()("NoPullRequest", {
  ticketId: Schema.String,
}) {
  override get message(): string {
    return `ticket ${this.ticketId} has no pull request yet: it opens one in CREATE_PR (see \`devvy status ${this.ticketId}\`)`
  }
}

/** The pull request was merged or abandoned already. */
export class PullRequestClosed extends Schema.TaggedError<PullRequestClosed>()("PullRequestClosed", {
  number: Schema.Number,
  status: Schema.Literal("completed", "abandoned"),
}) {
  override get message(): string {
    return this.status === "completed"
      ? `pull request ${this.number} is already merged`
      : `pull request ${this.number} was abandoned: run the ticket again to open a new one`
  }
}

export class MergeConflict extends Schema.TaggedError<MergeConflict>()("MergeConflict", {
  repository: Schema.String,
  source: Schema.String,
  target: Schema.String,
  files: Schema.Array(Schema.String),
}) {
  override get message(): string {
    const files = this.files.length > 0 ? ` (${this.files.join(", ")})` : ""
    return `${this.source} conflicts with ${this.target} in ${this.repository}${files}: ` +
      `comment on the pull request so the agent merges ${this.target} in, or resolve it yourself and approve again`
  }
}

/** The target branch is checked out and its work tree has changes the merge would overwrite. */
export class MergeBlocked extends Schema.TaggedError<MergeBlocked>()("MergeBlocked", {
  worktree: Schema.String,
  target: Schema.String,
  detail: Schema.String,
}) {
  override get message(): string {
    return `cannot merge into ${this.target}: it is checked out in ${this.worktree} with changes in the way; ` +
      `commit or stash them and approve again\n${this.detail}`
  }
}

/** A review comment that says nothing, or a line without a file. */
export class ReviewCommentInvalid extends Schema.TaggedError<ReviewCommentInvalid>()("ReviewCommentInvalid", {
  reason: Schema.String,
}) {
  override get message(): string {
    return `the review comment is not usable: ${this.reason}`
  }
}
