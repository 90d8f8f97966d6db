/** Azure DevOps payloads → the forge port's types. Pure. */
import * as Option from "effect/Option"
import { Identity, PullRequest, type PullRequestStatus, Repository, ReviewComment, ReviewThread } from "../Forge.ts"
import type { AdoComment, AdoPullRequest, AdoRepository, AdoThread } from "./schemas.ts"

const HEADS = "refs/heads/"

export const stripHeads = (ref: string): string => ref.startsWith(HEADS) ? ref.slice(HEADS.length) : ref

/** ADO's `remoteUrl` carries the organization as a user name (`https://org@dev.azure.com/…`): git needs none. */
const withoutUser = (url: string): string => {
  if (!URL.canParse(url)) return url
  const parsed = new URL(url)
  parsed.username = ""
  parsed.password = ""
  return parsed.toString()
}

export const toRepository = (repo: AdoRepository, fallbackCloneUrl: string, defaultBranch: string): Repository => {
  const cloneUrl = repo.remoteUrl === undefined ? fallbackCloneUrl : withoutUser(repo.remoteUrl)
  return new Repository({
    name: repo.name,
    defaultBranch,
    cloneUrl,
    webUrl: repo.webUrl ?? cloneUrl,
  })
}

const statusOf = (status: AdoPullRequest["status"]): PullRequestStatus =>
  status === "completed" || status === "abandoned" ? status : "active"

/** The PR's embedded repository rarely has `webUrl`; the repository GET always does. */
export const toPullRequest = (pr: AdoPullRequest, repositoryWebUrl: string): PullRequest =>
  new PullRequest({
    number: pr.pullRequestId,
    url: `${repositoryWebUrl}/pullrequest/${pr.pullRequestId}`,
    status: statusOf(pr.status),
    title: pr.title,
    sourceBranch: stripHeads(pr.sourceRefName),
    targetBranch: stripHeads(pr.targetRefName),
  })

const toComment = (comment: AdoComment, ownId: string): Option.Option<ReviewComment> => {
  if (comment.isDeleted === true || comment.content === undefined) return Option.none()
  const authorId = comment.author?.id ?? ""
  return Option.some(
    new ReviewComment({
      id: String(comment.id),
      author: new Identity({
        id: authorId,
        name: comment.author?.displayName ?? comment.author?.uniqueName ?? "unknown",
      }),
      content: comment.content,
      publishedAt: new Date(comment.publishedDate ?? 0),
      // Identity ids are GUIDs, whose case differs between endpoints.
      isOwn: authorId !== "" && authorId.toLowerCase() === ownId.toLowerCase(),
    }),
  )
}

/**
 * Votes, pushes and status changes come as threads too: they have no status, a CodeReviewThreadType
 * property, system comments or a service account as author. Deleted comments are dropped, and so is a thread with none left.
 */
export const toThread = (thread: AdoThread, ownId: string): Option.Option<ReviewThread> => {
  if (thread.isDeleted === true) return Option.none()
  const comments = thread.comments.flatMap((c) => Option.toArray(toComment(c, ownId)))
  if (comments.length === 0) return Option.none()
  const isSystem = thread.status === undefined ||
    (thread.properties != null && "CodeReviewThreadType" in thread.properties) ||
    thread.comments.some((c) => c.commentType === "system") ||
    // Service accounts (build and policy notices) are groups, never a reviewer.
    thread.comments[0]?.author?.isContainer === true
  const context = thread.threadContext ?? undefined
  return Option.some(
    new ReviewThread({
      id: String(thread.id),
      status: thread.status ?? "unknown",
      isSystem,
      filePath: Option.fromNullable(context?.filePath),
      line: Option.fromNullable(context?.rightFileStart?.line ?? context?.leftFileStart?.line),
      comments,
    }),
  )
}
