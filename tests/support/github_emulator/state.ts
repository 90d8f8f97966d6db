/** The emulator's GitHub: repositories, issues and pull requests, comments, reviews and CI results. */
import * as path from "node:path"
import {
  createBareRepo,
  mergeBranches,
  type MergeOutcome,
  type RepoSource,
  resolveRef,
  runGit,
} from "../git_server/git.ts"
import {
  type AuthorAssociation,
  type CheckRunRecord,
  type CommentRecord,
  type IssueRecord,
  type LabelRecord,
  now,
  type PullRecord,
  type RepoRecord,
  type ReviewCommentRecord,
  type ReviewRecord,
  type ReviewState,
  type StatusRecord,
  type UserRecord,
  type UserType,
} from "./model.ts"
import type { Anchor } from "./payloads.ts"

export interface Author {
  readonly user: UserRecord
  readonly association: AuthorAssociation
}

export const isPull = (issue: IssueRecord): issue is PullRecord => issue.pull !== undefined

export class GithubState {
  readonly repos: Array<RepoRecord> = []
  readonly users = new Map<string, UserRecord>()
  readonly issues: Array<IssueRecord> = []
  readonly issueComments: Array<CommentRecord> = []
  readonly reviewComments: Array<ReviewCommentRecord> = []
  readonly reviews: Array<ReviewRecord> = []
  readonly labels = new Map<number, Array<LabelRecord>>()
  readonly checkRuns: Array<CheckRunRecord> = []
  readonly statuses: Array<StatusRecord> = []
  // GitHub's ids are global and large; distinct ranges keep a mix-up of kinds visible in tests.
  private nextId = { repo: 700_000, user: 9_000, issue: 2_000_000, comment: 3_000_000, check: 40_000_000 }

  constructor(
    /** The git project root the bare repositories live in. */
    readonly root: string,
    /** Check names every commit reports as passing unless a failure is injected. */
    readonly defaultChecks: ReadonlyArray<string>,
  ) {}

  user(login: string, type: UserType = login.endsWith("[bot]") ? "Bot" : "User"): UserRecord {
    const known = this.users.get(login.toLowerCase())
    if (known !== undefined) return known
    const user: UserRecord = { id: this.nextId.user++, login, type }
    this.users.set(login.toLowerCase(), user)
    return user
  }

  findRepo(owner: string, name: string): RepoRecord | undefined {
    const key = `${owner}/${name}`.toLowerCase()
    return this.repos.find((r) => `${r.owner}/${r.name}`.toLowerCase() === key)
  }

  async addRepo(owner: string, name: string, isPrivate: boolean, source: RepoSource): Promise<RepoRecord> {
    if (this.findRepo(owner, name) !== undefined) throw new Error(`repository ${owner}/${name} already exists`)
    const id = this.nextId.repo++
    const folder = `${id}.git`
    const repo: RepoRecord = {
      id,
      owner,
      name,
      private: isPrivate,
      folder,
      bareDir: path.join(this.root, folder),
      defaultBranch: source.defaultBranch ?? "main",
    }
    await createBareRepo(repo.bareDir, source)
    this.repos.push(repo)
    this.labels.set(id, [])
    return repo
  }

  repoOf(issue: IssueRecord): RepoRecord {
    const repo = this.repos.find((r) => r.id === issue.repoId)
    if (repo === undefined) throw new Error(`issue ${issue.number} has no repository`)
    return repo
  }

  issue(repo: RepoRecord, number: number): IssueRecord | undefined {
    return this.issues.find((i) => i.repoId === repo.id && i.number === number)
  }

  label(repo: RepoRecord, name: string): LabelRecord {
    const labels = this.labels.get(repo.id) ?? []
    const known = labels.find((l) => l.name.toLowerCase() === name.toLowerCase())
    if (known !== undefined) return known
    const label = { id: this.nextId.issue++, name, color: "ededed" }
    labels.push(label)
    this.labels.set(repo.id, labels)
    return label
  }

  addIssue(
    repo: RepoRecord,
    input: { title: string; body: string; author: Author; labels?: ReadonlyArray<string>; pull?: PullRecord["pull"] },
  ): IssueRecord {
    const at = now()
    const issue: IssueRecord = {
      id: this.nextId.issue++,
      number: this.issues.filter((i) => i.repoId === repo.id).length + 1,
      repoId: repo.id,
      title: input.title,
      body: input.body,
      state: "open",
      user: input.author.user,
      association: input.author.association,
      labels: (input.labels ?? []).map((name) => this.label(repo, name)),
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      ...(input.pull === undefined ? {} : { pull: input.pull }),
    }
    this.issues.push(issue)
    return issue
  }

  setState(issue: IssueRecord, state: "open" | "closed"): void {
    if (issue.state === state) return
    issue.state = state
    issue.updatedAt = now()
    issue.closedAt = state === "closed" ? issue.updatedAt : null
  }

  /** Follows pushes: an open pull request's head is its branch's tip (a push resets mergeability). */
  async refresh(pr: PullRecord): Promise<void> {
    if (pr.state !== "open") return
    const sha = await resolveRef(this.repoOf(pr).bareDir, `refs/heads/${pr.pull.headRef}`)
    if (sha !== undefined && sha !== pr.pull.headSha) {
      pr.pull.headSha = sha
      pr.pull.mergeableKnown = false
      pr.updatedAt = now()
    }
  }

  addIssueComment(issue: IssueRecord, author: Author, body: string): CommentRecord {
    const comment = this.comment(issue, author, body)
    this.issueComments.push(comment)
    return comment
  }

  private comment(issue: IssueRecord, author: Author, body: string): CommentRecord {
    const at = now()
    issue.updatedAt = at
    const { user, association } = author
    return {
      id: this.nextId.comment++,
      repoId: issue.repoId,
      number: issue.number,
      user,
      association,
      body,
      createdAt: at,
      updatedAt: at,
    }
  }

  addReview(pr: PullRecord, author: Author, body: string, state: ReviewState): ReviewRecord {
    const review = { ...this.comment(pr, author, body), state, commitId: pr.pull.headSha }
    this.reviews.push(review)
    return review
  }

  /**
   * A line comment (or, with `replyTo`, a reply in its thread). As on GitHub, each one is submitted
   * inside a review, so a COMMENTED review with an empty body appears beside it.
   */
  async addReviewComment(
    pr: PullRecord,
    author: Author,
    input: { body: string; path?: string; line?: number | null; replyTo?: ReviewCommentRecord },
  ): Promise<ReviewCommentRecord> {
    await this.refresh(pr)
    const review = this.addReview(pr, author, "", "COMMENTED")
    const root = input.replyTo
    const filePath = root?.path ?? input.path ?? ""
    const line = root ? root.originalLine : input.line ?? null
    const commit = root?.originalCommit ?? pr.pull.headSha
    const text = await runGit(this.repoOf(pr).bareDir, ["show", `${commit}:${filePath}`])
    const content = line === null ? "" : text.stdout.split("\n")[line - 1] ?? ""
    const comment: ReviewCommentRecord = {
      ...this.comment(pr, author, input.body),
      reviewId: review.id,
      ...(root === undefined ? {} : { inReplyTo: root.id }),
      path: filePath,
      originalLine: line,
      side: "RIGHT",
      originalCommit: commit,
      diffHunk: line === null ? "" : `@@ -${line},1 +${line},1 @@\n+${content}`,
    }
    this.reviewComments.push(comment)
    return comment
  }

  /** Outdated when the commented file changed between the comment's commit and the head. */
  async anchor(pr: PullRecord, comment: ReviewCommentRecord): Promise<Anchor> {
    await this.refresh(pr)
    if (comment.originalCommit === pr.pull.headSha) return { line: comment.originalLine, commitId: pr.pull.headSha }
    const diff = await runGit(this.repoOf(pr).bareDir, [
      "diff",
      "--quiet",
      comment.originalCommit,
      pr.pull.headSha,
      "--",
      comment.path,
    ])
    return diff.code === 0
      ? { line: comment.originalLine, commitId: pr.pull.headSha }
      : { line: null, commitId: comment.originalCommit }
  }

  async merge(pr: PullRecord, by: UserRecord): Promise<MergeOutcome> {
    if (pr.state !== "open") throw new Error(`pull request #${pr.number} is ${pr.state}`)
    await this.refresh(pr)
    const repo = this.repoOf(pr)
    const outcome = await mergeBranches(
      repo.bareDir,
      `refs/heads/${pr.pull.headRef}`,
      `refs/heads/${pr.pull.baseRef}`,
      `Merge pull request #${pr.number} from ${repo.owner}/${pr.pull.headRef}\n\n${pr.title}`,
    )
    if (outcome._tag === "Merged") {
      this.setState(pr, "closed")
      pr.pull.mergedAt = pr.closedAt
      pr.pull.mergeCommitSha = outcome.commitId
      pr.pull.mergedBy = by
      if (pr.pull.baseRef === repo.defaultBranch) this.closeReferenced(pr, repo)
    }
    return outcome
  }

  /** A merge into the default branch closes the issues its description names with a closing keyword. */
  private closeReferenced(pr: PullRecord, repo: RepoRecord): void {
    for (const match of pr.body.matchAll(/\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)\b/gi)) {
      const issue = this.issue(repo, Number(match[1]))
      if (issue !== undefined && !isPull(issue)) this.setState(issue, "closed")
    }
  }

  /** The check runs of a commit: the injected ones, and the default checks passing where none replaced them. */
  checkRunsFor(repo: RepoRecord, sha: string): ReadonlyArray<CheckRunRecord> {
    const runs = () => this.checkRuns.filter((r) => r.repoId === repo.id && r.headSha === sha)
    for (const name of this.defaultChecks) {
      if (!runs().some((r) => r.name === name)) {
        this.addCheckRun(repo, { headSha: sha, name, status: "completed", conclusion: "success", log: `${name}: ok\n` })
      }
    }
    return runs()
  }

  addCheckRun(
    repo: RepoRecord,
    input: Pick<CheckRunRecord, "headSha" | "name" | "status" | "conclusion" | "log"> & Partial<CheckRunRecord>,
  ): CheckRunRecord {
    const at = now()
    const id = this.nextId.check++
    const run: CheckRunRecord = {
      app: "github-actions",
      title: null,
      summary: null,
      logsExpired: false,
      runId: id - 30_000_000,
      startedAt: at,
      completedAt: input.status === "completed" ? at : null,
      ...input,
      id,
      repoId: repo.id,
    }
    this.checkRuns.push(run)
    return run
  }

  addStatus(repo: RepoRecord, input: Omit<StatusRecord, "id" | "repoId" | "createdAt">): StatusRecord {
    const status = { ...input, id: this.nextId.check++, repoId: repo.id, createdAt: now() }
    this.statuses.push(status)
    return status
  }
}
