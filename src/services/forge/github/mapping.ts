/** GitHub payloads → the forge port's types, and the threads GitHub does not have as such. Pure. */
import * as Option from "effect/Option"
import { Identity, PullRequest, type PullRequestStatus, ReviewComment, ReviewThread } from "../Forge.ts"
import type { GitHubIssueComment, GitHubPullRequest, GitHubReview, GitHubReviewComment, GitHubUser } from "./schemas.ts"

/**
 * Thread ids name where a reply goes: a review comment thread by its first comment, an issue comment or a
 * review body by its own id (each is a thread of its own).
 */
export const reviewThreadId = (rootId: number) => `rc-${rootId}`
export const issueThreadId = (commentId: number) => `ic-${commentId}`
export const reviewBodyThreadId = (reviewId: number) => `rv-${reviewId}`

export type ThreadRef =
  | { readonly kind: "review-comment"; readonly id: number }
  | { readonly kind: "issue-comment"; readonly id: number }
  | { readonly kind: "review"; readonly id: number }

export const parseThreadId = (threadId: string): Option.Option<ThreadRef> => {
  const match = /^(rc|ic|rv)-(\d+)$/.exec(threadId)
  if (!match) return Option.none()
  const id = Number(match[2])
  return Option.some(
    match[1] === "rc"
      ? { kind: "review-comment", id }
      : match[1] === "ic"
      ? { kind: "issue-comment", id }
      : { kind: "review", id },
  )
}

export const statusOf = (pr: GitHubPullRequest): PullRequestStatus =>
  pr.state === "open" ? "active" : pr.merged === true || (pr.merged_at ?? null) !== null ? "completed" : "abandoned"

export const toPullRequest = (pr: GitHubPullRequest): PullRequest =>
  new PullRequest({
    number: pr.number,
    url: pr.html_url,
    status: statusOf(pr),
    title: pr.title,
    sourceBranch: pr.head.ref,
    targetBranch: pr.base.ref,
  })

export interface TrustContext {
  /** devvy's own user id (from `GET /user`). */
  readonly ownId: string
  /** `author_association` values whose comments count (OWNER, MEMBER, COLLABORATOR by default). */
  readonly trustedAssociations: ReadonlyArray<string>
}

export const toIdentity = (user: GitHubUser): Identity => new Identity({ id: String(user.id), name: user.login })

interface Authored {
  readonly id: number
  readonly user: GitHubUser | null
  readonly author_association: string
}

const toComment = (source: Authored, content: string, at: string, context: TrustContext): ReviewComment => {
  const user = source.user
  const isOwn = user !== null && String(user.id) === context.ownId
  return new ReviewComment({
    id: String(source.id),
    // A deleted account comes back as `user: null`; GitHub shows it as "ghost".
    author: user === null ? new Identity({ id: "", name: "ghost" }) : toIdentity(user),
    content,
    publishedAt: new Date(at),
    isOwn,
    authorTrusted: user !== null && user.type !== "Bot" &&
      context.trustedAssociations.includes(source.author_association.toUpperCase()),
  })
}

/**
 * devvy's reply to an issue comment or a review body is a new issue comment: this hidden first line says
 * which thread it answers, so the reply lands back in that thread and is never posted twice.
 */
const MARKER = /^<!-- devvy:reply-to ((?:ic|rv)-\d+) -->\n/

/** The body of a reply to a thread that has no reply endpoint: the marker, the quoted words, the answer. */
export const quotedReply = (
  threadId: string,
  quoted: { readonly author: string; readonly text: string },
  content: string,
) => {
  // Markdown hides HTML comments: quoting one would publish words nobody saw under devvy's name.
  const text = quoted.text.replace(/<!--[\s\S]*?(?:-->|$)/g, "").trim()
  const short = text.length > 500 ? `${text.slice(0, 500)}…` : text
  const quote = [`@${quoted.author} wrote:`, ...short.split("\n")].map((line) => `> ${line}`.trimEnd()).join("\n")
  return `<!-- devvy:reply-to ${threadId} -->\n${quote}\n\n${content}`
}

/** For one of devvy's issue comments: the thread it answers and what it said, without marker and quote. */
const asReply = (body: string): Option.Option<{ readonly threadId: string; readonly content: string }> => {
  const match = MARKER.exec(body)
  if (!match) return Option.none()
  const rest = body.slice(match[0].length)
  const split = rest.indexOf("\n\n")
  return Option.some({ threadId: match[1], content: split < 0 ? "" : rest.slice(split + 2) })
}

const byTime = (a: ReviewComment, b: ReviewComment) => a.publishedAt.getTime() - b.publishedAt.getTime()

/**
 * Review comments grouped into threads by `in_reply_to_id` (followed to the first comment, should a reply
 * name another reply), placed at `line`, or `original_line` once the comment is outdated; each issue
 * comment and each non-empty review body a thread of its own; devvy's quoting replies back in theirs.
 */
export const toThreads = (
  input: {
    readonly reviewComments: ReadonlyArray<GitHubReviewComment>
    readonly issueComments: ReadonlyArray<GitHubIssueComment>
    readonly reviews: ReadonlyArray<GitHubReview>
  },
  context: TrustContext,
): ReadonlyArray<ReviewThread> => {
  const byId = new Map(input.reviewComments.map((c) => [c.id, c]))
  const rootOf = (comment: GitHubReviewComment): GitHubReviewComment => {
    let current = comment
    for (let hops = 0; current.in_reply_to_id !== undefined && hops < 1000; hops++) {
      const parent = byId.get(current.in_reply_to_id)
      if (parent === undefined) break
      current = parent
    }
    return current
  }
  const grouped = new Map<number, Array<GitHubReviewComment>>()
  for (const comment of input.reviewComments) {
    const root = rootOf(comment)
    grouped.set(root.id, [...grouped.get(root.id) ?? [], comment])
  }

  const threads: Array<
    { id: string; filePath?: string | undefined; line?: number | undefined; comments: Array<ReviewComment> }
  > = []
  for (const [rootId, comments] of grouped) {
    const root = byId.get(rootId)
    threads.push({
      id: reviewThreadId(rootId),
      filePath: root?.path ?? undefined,
      line: root?.line ?? root?.original_line ?? undefined,
      comments: comments.map((c) => toComment(c, c.body, c.created_at, context)),
    })
  }
  for (const review of input.reviews) {
    const body = review.body ?? ""
    if (body.trim() === "" || review.state === "PENDING") continue
    const at = review.submitted_at ?? new Date(0).toISOString()
    threads.push({ id: reviewBodyThreadId(review.id), comments: [toComment(review, body, at, context)] })
  }
  const replies: Array<{ threadId: string; comment: ReviewComment }> = []
  for (const comment of input.issueComments) {
    const body = comment.body ?? ""
    const reply = toComment(comment, body, comment.created_at, context).isOwn ? asReply(body) : Option.none()
    if (Option.isSome(reply)) {
      replies.push({
        threadId: reply.value.threadId,
        comment: toComment(comment, reply.value.content, comment.created_at, context),
      })
    } else {
      threads.push({ id: issueThreadId(comment.id), comments: [toComment(comment, body, comment.created_at, context)] })
    }
  }
  for (const { threadId, comment } of replies) threads.find((t) => t.id === threadId)?.comments.push(comment)

  return threads.map((t) =>
    new ReviewThread({
      id: t.id,
      // REST has no resolution state (only GraphQL does): every thread counts as open.
      status: "active",
      isSystem: false,
      filePath: Option.fromNullable(t.filePath),
      line: Option.fromNullable(t.line),
      comments: t.comments.sort(byTime),
    })
  )
}
