/** What the emulator keeps, and the JSON Azure DevOps 7.1 serves for it (reference: api-details.md §1). */

export interface IdentityRef {
  readonly id: string
  readonly displayName: string
  readonly uniqueName: string
  readonly isContainer?: boolean
}

export interface RepoRecord {
  readonly id: string
  readonly name: string
  /** The folder under the git project root: named by id, so any repository name is safe on disk. */
  readonly folder: string
  readonly bareDir: string
}

export type PullRequestStatus = "active" | "abandoned" | "completed"

export interface PullRequestRecord {
  readonly pullRequestId: number
  readonly repoId: string
  status: PullRequestStatus
  title: string
  description: string
  readonly sourceRefName: string
  readonly targetRefName: string
  isDraft: boolean
  readonly createdBy: IdentityRef
  readonly creationDate: string
  closedDate?: string
  mergeStatus: "queued" | "succeeded" | "conflicts" | "failure"
  lastMergeCommit?: string
  readonly workItemRefs: ReadonlyArray<string>
}

export interface Position {
  readonly line: number
  readonly offset: number
}

export interface ThreadContext {
  readonly filePath: string
  readonly rightFileStart?: Position
  readonly rightFileEnd?: Position
}

export interface CommentRecord {
  readonly id: number
  readonly parentCommentId: number
  readonly author: IdentityRef
  content: string
  readonly commentType: "text" | "system" | "codeChange"
  readonly publishedDate: string
  lastUpdatedDate: string
  isDeleted: boolean
}

export interface ThreadRecord {
  readonly id: number
  readonly pullRequestId: number
  /** System threads have none. */
  status: string | undefined
  readonly threadContext: ThreadContext | null
  readonly properties: Readonly<Record<string, { readonly $type: string; readonly $value: string | number }>>
  readonly comments: Array<CommentRecord>
  readonly publishedDate: string
  lastUpdatedDate: string
  isDeleted: boolean
}

export interface WorkItemRelation {
  readonly rel: string
  readonly url: string
  readonly attributes: Readonly<Record<string, unknown>>
}

export interface WorkItemCommentRecord {
  readonly id: number
  readonly text: string
  readonly createdBy: IdentityRef
  readonly createdDate: string
}

/** Fields by reference name (`System.Title`, HTML in the multiline ones), as Azure Boards keeps them. */
export interface WorkItemRecord {
  readonly id: number
  rev: number
  readonly fields: Record<string, unknown>
  readonly relations: Array<WorkItemRelation>
  readonly comments: Array<WorkItemCommentRecord>
}

export interface Scope {
  readonly orgUrl: string
  readonly projectId: string
  readonly projectName: string
}

export const guid = (): string => crypto.randomUUID()

export const now = (): string => new Date().toISOString()

export const errorBody = (message: string, typeKey: string) => ({
  $id: "1",
  innerException: null,
  message,
  typeName: `Microsoft.TeamFoundation.Git.Server.${typeKey}, Microsoft.TeamFoundation.Git.Server`,
  typeKey,
  errorCode: 0,
  eventId: 3000,
})

export const repoUrls = (scope: Scope, repo: RepoRecord) => ({
  url: `${scope.orgUrl}/${scope.projectId}/_apis/git/repositories/${repo.id}`,
  remoteUrl: `${scope.orgUrl}/${encodeURIComponent(scope.projectName)}/_git/${encodeURIComponent(repo.name)}`,
})

export const repoJson = (scope: Scope, repo: RepoRecord, defaultBranch: string | undefined) => {
  const { url, remoteUrl } = repoUrls(scope, repo)
  return {
    id: repo.id,
    name: repo.name,
    url,
    project: { id: scope.projectId, name: scope.projectName, state: "wellFormed", revision: 1 },
    // An empty repository has no default branch until the first push.
    ...(defaultBranch === undefined ? {} : { defaultBranch }),
    remoteUrl,
    sshUrl: `git@ssh.example.invalid:v3/${scope.projectName}/${repo.name}`,
    webUrl: remoteUrl,
    size: 0,
    isDisabled: false,
    isFork: false,
    isInMaintenance: false,
  }
}

/** The list endpoint cuts descriptions to 400 characters; the single GET gives all of it. */
export const pullRequestJson = (scope: Scope, repo: RepoRecord, pr: PullRequestRecord, inList = false) => {
  const { url, remoteUrl } = repoUrls(scope, repo)
  return {
    repository: {
      id: repo.id,
      name: repo.name,
      url,
      project: { id: scope.projectId, name: scope.projectName },
      remoteUrl,
    },
    pullRequestId: pr.pullRequestId,
    codeReviewId: pr.pullRequestId,
    status: pr.status,
    createdBy: pr.createdBy,
    creationDate: pr.creationDate,
    ...(pr.closedDate === undefined ? {} : { closedDate: pr.closedDate }),
    title: pr.title,
    description: inList ? pr.description.slice(0, 400) : pr.description,
    sourceRefName: pr.sourceRefName,
    targetRefName: pr.targetRefName,
    mergeStatus: pr.mergeStatus,
    isDraft: pr.isDraft,
    mergeId: guid(),
    ...(pr.lastMergeCommit === undefined ? {} : { lastMergeCommit: { commitId: pr.lastMergeCommit } }),
    reviewers: [],
    url: `${url}/pullRequests/${pr.pullRequestId}`,
    supportsIterations: true,
    artifactId: `vstfs:///Git/PullRequestId/${scope.projectId}%2f${repo.id}%2f${pr.pullRequestId}`,
  }
}

export const commentJson = (comment: CommentRecord) => ({
  id: comment.id,
  parentCommentId: comment.parentCommentId,
  author: comment.author,
  // Deleted comments lose their text.
  ...(comment.isDeleted ? {} : { content: comment.content }),
  publishedDate: comment.publishedDate,
  lastUpdatedDate: comment.lastUpdatedDate,
  lastContentUpdatedDate: comment.lastUpdatedDate,
  commentType: comment.commentType,
  usersLiked: [],
  ...(comment.isDeleted ? { isDeleted: true } : {}),
})

export const threadJson = (thread: ThreadRecord) => ({
  pullRequestThreadContext: null,
  id: thread.id,
  publishedDate: thread.publishedDate,
  lastUpdatedDate: thread.lastUpdatedDate,
  comments: thread.comments.map(commentJson),
  ...(thread.status === undefined ? {} : { status: thread.status }),
  threadContext: thread.threadContext,
  properties: thread.properties,
  identities: null,
  isDeleted: thread.isDeleted,
})

/** `relations` only at `$expand=relations` or `all`; empty fields are left out altogether. */
export const workItemJson = (scope: Scope, item: WorkItemRecord, withRelations = false) => ({
  id: item.id,
  rev: item.rev,
  fields: {
    "System.AreaPath": scope.projectName,
    "System.TeamProject": scope.projectName,
    ...Object.fromEntries(Object.entries(item.fields).filter(([, v]) => v !== undefined && v !== "")),
  },
  ...(withRelations && item.relations.length > 0 ? { relations: item.relations } : {}),
  url: `${scope.orgUrl}/${scope.projectId}/_apis/wit/workItems/${item.id}`,
})

export const workItemCommentJson = (scope: Scope, workItemId: number, comment: WorkItemCommentRecord) => ({
  workItemId,
  id: comment.id,
  version: 1,
  text: comment.text,
  renderedText: comment.text,
  format: "html",
  createdBy: comment.createdBy,
  createdDate: comment.createdDate,
  modifiedBy: comment.createdBy,
  modifiedDate: comment.createdDate,
  url: `${scope.orgUrl}/${scope.projectId}/_apis/wit/workItems/${workItemId}/comments/${comment.id}`,
})

const threadStatuses = ["unknown", "active", "fixed", "wontFix", "closed", "byDesign", "pending"]
const commentTypes = ["unknown", "text", "codeChange", "system"]

/** Request bodies may carry enums as numbers (the spec's examples do) or as camelCase strings. */
export const threadStatusOf = (value: unknown): string | undefined =>
  typeof value === "number" ? threadStatuses[value] : typeof value === "string" ? value : undefined

export const commentTypeOf = (value: unknown): CommentRecord["commentType"] => {
  const name = typeof value === "number" ? commentTypes[value] : value
  return name === "system" || name === "codeChange" ? name : "text"
}
