/** The emulator's organization: one project, its repositories, pull requests, threads and work items. */
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
  type CommentRecord,
  guid,
  type IdentityRef,
  now,
  type PullRequestRecord,
  type RepoRecord,
  type Scope,
  type ThreadContext,
  type ThreadRecord,
  type WorkItemRecord,
} from "./model.ts"

export interface NewComment {
  readonly author: IdentityRef
  readonly content: string
  readonly commentType?: CommentRecord["commentType"]
}

export interface NewThread extends NewComment {
  readonly status?: string | undefined
  readonly threadContext?: ThreadContext | null
  readonly properties?: ThreadRecord["properties"]
}

export class EmulatorState {
  readonly repos: Array<RepoRecord> = []
  readonly pullRequests: Array<PullRequestRecord> = []
  readonly threads: Array<ThreadRecord> = []
  readonly workItems: Array<WorkItemRecord> = []
  /** Pull-request lists still to answer empty, as a lagging read replica would. */
  staleListings = 0
  private nextPullRequest = 1
  // Thread ids count across the organization, as on Azure DevOps; comment ids restart in every thread.
  private nextThread = 1

  constructor(
    readonly scope: Scope,
    /** The git project root the bare repositories live in. */
    readonly root: string,
    /** The identity the PAT belongs to. */
    readonly owner: IdentityRef,
  ) {}

  findRepo(nameOrId: string): RepoRecord | undefined {
    const key = nameOrId.toLowerCase()
    return this.repos.find((r) => r.id === key || r.name.toLowerCase() === key)
  }

  async addRepo(name: string, source: RepoSource = {}): Promise<RepoRecord> {
    if (this.findRepo(name) !== undefined) throw new Error(`repository ${name} already exists`)
    const id = guid()
    const folder = `${id}.git`
    const repo: RepoRecord = { id, name, folder, bareDir: path.join(this.root, folder) }
    await createBareRepo(repo.bareDir, source)
    this.repos.push(repo)
    return repo
  }

  /** `refs/heads/…` of HEAD, or undefined while the repository has no commit on it. */
  async defaultBranch(repo: RepoRecord): Promise<string | undefined> {
    const head = await runGit(repo.bareDir, ["symbolic-ref", "HEAD"])
    const ref = head.stdout.trim()
    return head.code === 0 && (await resolveRef(repo.bareDir, ref)) !== undefined ? ref : undefined
  }

  pullRequest(id: number): PullRequestRecord | undefined {
    return this.pullRequests.find((pr) => pr.pullRequestId === id)
  }

  createPullRequest(
    repo: RepoRecord,
    input: Omit<PullRequestRecord, "pullRequestId" | "repoId" | "status" | "creationDate" | "mergeStatus">,
  ): PullRequestRecord {
    const pr: PullRequestRecord = {
      ...input,
      pullRequestId: this.nextPullRequest++,
      repoId: repo.id,
      status: "active",
      creationDate: now(),
      mergeStatus: "queued",
    }
    this.pullRequests.push(pr)
    return pr
  }

  threadsOf(pullRequestId: number): ReadonlyArray<ThreadRecord> {
    return this.threads.filter((t) => t.pullRequestId === pullRequestId)
  }

  thread(pullRequestId: number, threadId: number): ThreadRecord | undefined {
    return this.threads.find((t) => t.pullRequestId === pullRequestId && t.id === threadId)
  }

  addThread(pullRequestId: number, input: NewThread): ThreadRecord {
    const at = now()
    const thread: ThreadRecord = {
      id: this.nextThread++,
      pullRequestId,
      status: input.status,
      threadContext: input.threadContext ?? null,
      properties: input.properties ?? {},
      comments: [],
      publishedDate: at,
      lastUpdatedDate: at,
      isDeleted: false,
    }
    this.threads.push(thread)
    this.addComment(thread, input, 0)
    return thread
  }

  addComment(thread: ThreadRecord, input: NewComment, parentCommentId: number): CommentRecord {
    const at = now()
    const comment: CommentRecord = {
      id: thread.comments.reduce((max, c) => Math.max(max, c.id), 0) + 1,
      parentCommentId,
      author: input.author,
      content: input.content,
      commentType: input.commentType ?? "text",
      publishedDate: at,
      lastUpdatedDate: at,
      isDeleted: false,
    }
    thread.comments.push(comment)
    thread.lastUpdatedDate = at
    return comment
  }

  /** Completes the pull request by merging its branch, as the "Complete" button does. */
  async complete(pr: PullRequestRecord, by: IdentityRef): Promise<MergeOutcome> {
    const repo = this.repos.find((r) => r.id === pr.repoId)
    if (repo === undefined) throw new Error(`pull request ${pr.pullRequestId} has no repository`)
    if (pr.status !== "active") throw new Error(`pull request ${pr.pullRequestId} is ${pr.status}`)
    const outcome = await mergeBranches(
      repo.bareDir,
      pr.sourceRefName,
      pr.targetRefName,
      `Merged PR ${pr.pullRequestId}: ${pr.title}`,
    )
    if (outcome._tag === "Conflicts") {
      pr.mergeStatus = "conflicts"
      return outcome
    }
    pr.status = "completed"
    pr.mergeStatus = "succeeded"
    pr.lastMergeCommit = outcome.commitId
    pr.closedDate = now()
    this.addThread(pr.pullRequestId, {
      author: by,
      content: `${by.displayName} completed the pull request`,
      commentType: "system",
      properties: { CodeReviewThreadType: { $type: "System.String", $value: "StatusUpdate" } },
    })
    return outcome
  }

  abandon(pr: PullRequestRecord): void {
    pr.status = "abandoned"
    pr.closedDate = now()
  }

  addWorkItem(input: NewWorkItem): WorkItemRecord {
    const item: WorkItemRecord = {
      id: input.id ?? this.workItems.reduce((max, w) => Math.max(max, w.id), 0) + 1,
      rev: 1,
      fields: {
        "System.WorkItemType": input.type ?? "User Story",
        "System.State": input.state ?? "Active",
        "System.Title": input.title,
        "System.Description": input.description,
        "Microsoft.VSTS.TCM.ReproSteps": input.reproSteps,
        "Microsoft.VSTS.Common.AcceptanceCriteria": input.acceptanceCriteria,
        "System.Tags": input.tags?.join("; "),
      },
      relations: [],
      comments: [],
    }
    this.workItems.push(item)
    return item
  }

  workItem(id: number): WorkItemRecord | undefined {
    return this.workItems.find((w) => w.id === id)
  }
}

export interface NewWorkItem {
  readonly id?: number
  readonly title: string
  /** HTML, as Azure Boards stores it. */
  readonly description?: string
  readonly reproSteps?: string
  readonly acceptanceCriteria?: string
  /** Defaults to `User Story`. */
  readonly type?: string
  /** Defaults to `Active`. */
  readonly state?: string
  readonly tags?: ReadonlyArray<string>
}
