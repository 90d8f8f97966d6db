/** The emulator's in-process controls: people commenting, reviewing and merging, and CI reporting. */
import { Effect } from "effect"
import type { Actor, GithubEmulator, InjectedCheck } from "./api.ts"
import { resolveRef } from "../git_server/git.ts"
import type { PullRecord, RepoRecord } from "./model.ts"
import { type Author, type GithubState, isPull } from "./state.ts"

const REVIEWER: Actor = { login: "rita-reviewer", association: "MEMBER" }

type Controls = Pick<
  GithubEmulator,
  "issues" | "issueComments" | "reviewComments" | "reviews" | "createIssue" | "review" | "checks"
>

export const testControls = (
  state: GithubState,
  /** `owner/name` of a test's `name` or `owner/name`. */
  full: (repo: string) => string,
) => {
  const repoOf = (repo: string): RepoRecord => {
    const [owner, name] = full(repo).split("/")
    const found = state.findRepo(owner, name)
    if (found === undefined) throw new Error(`the emulator has no repository ${repo}`)
    return found
  }
  const pullOf = (repo: string, number: number): PullRecord => {
    const issue = state.issue(repoOf(repo), number)
    if (issue === undefined || !isPull(issue)) throw new Error(`${repo} has no pull request #${number}`)
    return issue
  }
  const author = (actor: Actor = REVIEWER): Author => ({
    user: state.user(actor.login, actor.type),
    association: actor.association ?? "NONE",
  })
  const ofIssue = <A extends { repoId: number; number: number }>(items: ReadonlyArray<A>, repo: string, n: number) =>
    Effect.sync(() => {
      const id = repoOf(repo).id
      return structuredClone(items.filter((c) => c.repoId === id && c.number === n))
    })
  const addCheck = (repo: RepoRecord, sha: string, check: InjectedCheck) => {
    const status = check.status ?? "completed"
    return state.addCheckRun(repo, {
      headSha: sha,
      name: check.name,
      status,
      conclusion: check.conclusion !== undefined ? check.conclusion : status === "completed" ? "failure" : null,
      log: check.log ?? "",
      app: check.app ?? "github-actions",
      title: check.title ?? null,
      summary: check.summary ?? null,
    }).id
  }

  const controls: Controls = {
    issues: (repo) => Effect.sync(() => structuredClone(state.issues.filter((i) => i.repoId === repoOf(repo).id))),
    issueComments: (repo, n) => ofIssue(state.issueComments, repo, n),
    reviewComments: (repo, n) => ofIssue(state.reviewComments, repo, n),
    reviews: (repo, n) => ofIssue(state.reviews, repo, n),
    createIssue: (repo, issue) =>
      Effect.sync(() => {
        const added = state.addIssue(repoOf(repo), {
          title: issue.title,
          body: issue.body ?? "",
          author: author(issue.by),
          labels: issue.labels ?? [],
        })
        if (issue.state === "closed") state.setState(added, "closed")
        return added.number
      }),
    review: {
      lineComment: (repo, n, comment) =>
        Effect.promise(async () =>
          (await state.addReviewComment(pullOf(repo, n), author(comment.by), {
            body: comment.body,
            path: comment.path,
            line: comment.line ?? null,
          })).id
        ),
      reply: (repo, n, commentId, body, by) =>
        Effect.promise(async () => {
          const target = state.reviewComments.find((c) => c.id === commentId)
          if (target === undefined) throw new Error(`no review comment ${commentId}`)
          const root = state.reviewComments.find((c) => c.id === (target.inReplyTo ?? target.id)) ?? target
          return (await state.addReviewComment(pullOf(repo, n), author(by), { body, replyTo: root })).id
        }),
      issueComment: (repo, n, body, by) =>
        Effect.sync(() => {
          const issue = state.issue(repoOf(repo), n)
          if (issue === undefined) throw new Error(`${repo} has no issue #${n}`)
          return state.addIssueComment(issue, author(by), body).id
        }),
      submit: (repo, n, review) =>
        Effect.sync(() =>
          state.addReview(pullOf(repo, n), author(review.by), review.body, review.state ?? "COMMENTED").id
        ),
      editComment: (_repo, commentId, body) =>
        Effect.sync(() => {
          const all = [...state.issueComments, ...state.reviewComments, ...state.reviews]
          const comment = all.find((c) => c.id === commentId)
          if (comment === undefined) throw new Error(`no comment ${commentId}`)
          comment.body = body
          comment.updatedAt = new Date(Math.max(Date.parse(comment.updatedAt) + 1000, Date.now())).toISOString()
            .replace(/\.\d{3}Z$/, "Z")
        }),
      merge: (repo, n) => Effect.promise(() => state.merge(pullOf(repo, n), author().user)),
      close: (repo, n) =>
        Effect.promise(async () => {
          const pr = pullOf(repo, n)
          await state.refresh(pr)
          state.setState(pr, "closed")
        }),
    },
    checks: {
      fail: (repo, n, check) =>
        Effect.promise(async () => {
          const pr = pullOf(repo, n)
          await state.refresh(pr)
          return addCheck(repoOf(repo), pr.pull.headSha, check)
        }),
      add: (repo, ref, check) =>
        Effect.promise(async () => {
          const found = repoOf(repo)
          const sha = await resolveRef(found.bareDir, ref) ?? await resolveRef(found.bareDir, `refs/heads/${ref}`)
          if (sha === undefined) throw new Error(`${repo} has no commit ${ref}`)
          return addCheck(found, sha, check)
        }),
      setStatus: (repo, ref, status) =>
        Effect.promise(async () => {
          const found = repoOf(repo)
          const sha = await resolveRef(found.bareDir, ref) ?? await resolveRef(found.bareDir, `refs/heads/${ref}`)
          if (sha === undefined) throw new Error(`${repo} has no commit ${ref}`)
          state.addStatus(found, {
            sha,
            context: status.context,
            state: status.state,
            description: null,
            targetUrl: null,
          })
        }),
      expireLogs: (jobId) =>
        Effect.sync(() => {
          const run = state.checkRuns.find((r) => r.id === jobId)
          if (run === undefined) throw new Error(`no job ${jobId}`)
          run.logsExpired = true
        }),
    },
  }
  return { repoOf, controls }
}
