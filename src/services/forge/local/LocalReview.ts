/**
 * What `devvy review <id>` does on the local forge: comment (on the whole change or a file and line),
 * approve (merge into the default branch of the local repository) or abandon. The reviewer is the person
 * at this machine, never devvy's own identity, so the ticket answers their comments.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { branchName, type TicketId } from "../../../domain/TicketId.ts"
import { failed, runGit } from "../../workspace/git.ts"
import type { PullRequest, ReviewThread } from "../Forge.ts"
import { merge, reviewer } from "./local_git.ts"
import { devvyIdentity, toPullRequest } from "./LocalForge.ts"
import { NoPullRequest, PullRequestClosed, ReviewCommentInvalid } from "./LocalForgeError.ts"
import { type LocalPullRequest, LocalPullRequests } from "./LocalPullRequests.ts"

export interface ReviewComment {
  readonly content: string
  readonly filePath?: string | undefined
  readonly line?: number | undefined
}

export interface CommentAdded {
  readonly pullRequest: PullRequest
  readonly threadId: string
}

export interface Approved {
  readonly pullRequest: PullRequest
  /** The commit the target branch now points at. */
  readonly mergeCommit: string
}

/** The ticket's newest pull request, which must still be open. */
const activePullRequest = (ticketId: TicketId) =>
  Effect.gen(function* () {
    const records = yield* LocalPullRequests
    const found = yield* records.latestForBranch(branchName(ticketId))
    if (Option.isNone(found)) return yield* new NoPullRequest({ ticketId })
    const record: LocalPullRequest = found.value
    if (record.status !== "active") {
      return yield* new PullRequestClosed({ number: record.number, status: record.status })
    }
    return record
  })

const validComment = (input: ReviewComment) => {
  if (input.content.trim() === "") return Effect.fail(new ReviewCommentInvalid({ reason: "it is empty" }))
  if (input.line !== undefined && input.filePath === undefined) {
    return Effect.fail(new ReviewCommentInvalid({ reason: "--line needs --file, the file the line is in" }))
  }
  if (input.line !== undefined && (!Number.isInteger(input.line) || input.line < 1)) {
    return Effect.fail(new ReviewCommentInvalid({ reason: `line ${input.line} is not a line number (1 or more)` }))
  }
  if (input.filePath !== undefined && input.filePath.trim() === "") {
    return Effect.fail(new ReviewCommentInvalid({ reason: "--file is empty" }))
  }
  return Effect.void
}

/** Opens a review thread on the ticket's pull request, by the local reviewer. */
export const addComment = Effect.fn("LocalReview.addComment")(
  function* (ticketId: TicketId, input: ReviewComment) {
    yield* validComment(input)
    const record = yield* activePullRequest(ticketId)
    const records = yield* LocalPullRequests
    const { identity } = yield* reviewer(record.repository)
    const threadId = yield* records.addThread(record.number, {
      author: identity,
      content: input.content,
      // Repository paths are relative to its root, with forward slashes, as forges show them.
      filePath: Option.map(Option.fromNullable(input.filePath), (f) => f.trim().replace(/^\.?\/+/, "")),
      line: Option.fromNullable(input.line),
    })
    return { pullRequest: toPullRequest(record), threadId } satisfies CommentAdded
  },
)

/** Merges the ticket's branch into the pull request's target in the local repository and completes it. */
export const approve = Effect.fn("LocalReview.approve")(function* (ticketId: TicketId) {
  const record = yield* activePullRequest(ticketId)
  const records = yield* LocalPullRequests
  const person = yield* reviewer(record.repository)
  const mergeCommit = yield* merge({
    repository: record.repository,
    source: record.source_branch,
    target: record.target_branch,
    message:
      `Merge pull request ${record.number}: ${record.title}\n\nMerges ${record.source_branch} into ${record.target_branch}.`,
    author: { name: person.identity.name, email: person.email },
  })
  yield* records.setStatus(record.number, "completed", mergeCommit)
  const pullRequest = toPullRequest({ ...record, status: "completed", merge_commit: mergeCommit })
  return { pullRequest, mergeCommit } satisfies Approved
})

export interface PullRequestView {
  readonly pullRequest: PullRequest
  readonly description: string
  /** `git diff --stat`, or the whole diff when it was asked for. */
  readonly changes: string
  /** Oldest first, each with its comments in the order they were written, devvy's replies marked as its own. */
  readonly threads: ReadonlyArray<ReviewThread>
}

/**
 * The ticket's newest pull request as a reviewer reads it. An open one shows what its branch adds since it left
 * the target (`target...source`); a merged one what its merge brought in; an abandoned one its branch's change.
 */
export const show = Effect.fn("LocalReview.show")(function* (ticketId: TicketId, options: { readonly diff: boolean }) {
  const records = yield* LocalPullRequests
  const found = yield* records.latestForBranch(branchName(ticketId))
  if (Option.isNone(found)) return yield* new NoPullRequest({ ticketId })
  const record = found.value
  const range = record.merge_commit === null
    ? [`refs/heads/${record.target_branch}...refs/heads/${record.source_branch}`]
    : [`${record.merge_commit}^1`, record.merge_commit]
  const invocation = {
    cwd: record.repository,
    args: ["-c", "color.ui=never", "diff", ...(options.diff ? [] : ["--stat"]), ...range, "--"],
  }
  const diff = yield* runGit(invocation)
  if (diff.exitCode !== 0) return yield* failed(invocation, diff)
  // Not trimmed at the start: the stat's first line begins with a space.
  const changes = diff.stdout.trimEnd()
  const threads = yield* records.threads(record.number, devvyIdentity.id)
  return {
    pullRequest: toPullRequest(record),
    description: record.description,
    changes,
    threads,
  } satisfies PullRequestView
})

/** Closes the ticket's pull request unmerged; the ticket then fails ("pull request abandoned"). */
export const abandon = Effect.fn("LocalReview.abandon")(function* (ticketId: TicketId) {
  const records = yield* LocalPullRequests
  const found = yield* records.latestForBranch(branchName(ticketId))
  if (Option.isNone(found)) return yield* new NoPullRequest({ ticketId })
  const record = found.value
  if (record.status === "completed") return yield* new PullRequestClosed({ number: record.number, status: "completed" })
  if (record.status === "active") yield* records.setStatus(record.number, "abandoned")
  return toPullRequest({ ...record, status: "abandoned" })
})
