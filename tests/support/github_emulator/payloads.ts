/**
 * The JSON the GitHub REST API (version 2022-11-28) serves for the emulator's records (reference:
 * github-workitems-checks.md §1–§2), built on every read.
 */
import type {
  CheckRunRecord,
  CommentRecord,
  IssueRecord,
  LabelRecord,
  PullRecord,
  RepoRecord,
  ReviewCommentRecord,
  ReviewRecord,
  StatusRecord,
  UserRecord,
} from "./model.ts"

/** Where the emulator lives: the API root (`…/api/v3`) and the web root (`http://127.0.0.1:PORT`). */
export interface Urls {
  readonly api: string
  readonly web: string
}

export const userJson = (urls: Urls, user: UserRecord) => ({
  login: user.login,
  id: user.id,
  node_id: `U_${user.id}`,
  avatar_url: `${urls.web}/avatars/u/${user.id}`,
  url: `${urls.api}/users/${user.login}`,
  html_url: `${urls.web}/${user.login}`,
  type: user.type,
  site_admin: false,
})

const ownerRecord = (repo: RepoRecord): UserRecord => ({ id: 1, login: repo.owner, type: "User" })

export const repoJson = (urls: Urls, repo: RepoRecord) => ({
  id: repo.id,
  node_id: `R_${repo.id}`,
  name: repo.name,
  full_name: `${repo.owner}/${repo.name}`,
  private: repo.private,
  owner: userJson(urls, ownerRecord(repo)),
  html_url: `${urls.web}/${repo.owner}/${repo.name}`,
  description: null,
  fork: false,
  url: `${urls.api}/repos/${repo.owner}/${repo.name}`,
  clone_url: `${urls.web}/${repo.owner}/${repo.name}.git`,
  git_url: `git://${new URL(urls.web).host}/${repo.owner}/${repo.name}.git`,
  ssh_url: `git@${new URL(urls.web).hostname}:${repo.owner}/${repo.name}.git`,
  default_branch: repo.defaultBranch,
  visibility: repo.private ? "private" : "public",
  archived: false,
  disabled: false,
  permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
})

export const labelJson = (urls: Urls, repo: RepoRecord, label: LabelRecord) => ({
  id: label.id,
  node_id: `LA_${label.id}`,
  url: `${urls.api}/repos/${repo.owner}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
  name: label.name,
  color: label.color,
  default: false,
  description: null,
})

const repoPath = (urls: Urls, repo: RepoRecord) => ({
  api: `${urls.api}/repos/${repo.owner}/${repo.name}`,
  web: `${urls.web}/${repo.owner}/${repo.name}`,
})

/** GET /issues answers pull requests too, marked by a `pull_request` key (§1.7). */
export const issueJson = (urls: Urls, repo: RepoRecord, issue: IssueRecord, comments: number) => {
  const at = repoPath(urls, repo)
  return {
    url: `${at.api}/issues/${issue.number}`,
    repository_url: at.api,
    comments_url: `${at.api}/issues/${issue.number}/comments`,
    html_url: `${at.web}/${issue.pull ? "pull" : "issues"}/${issue.number}`,
    id: issue.id,
    node_id: `I_${issue.id}`,
    number: issue.number,
    title: issue.title,
    user: userJson(urls, issue.user),
    labels: issue.labels.map((l) => labelJson(urls, repo, l)),
    state: issue.state,
    state_reason: issue.state === "closed" ? "completed" : null,
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    author_association: issue.association,
    // An empty description is null on GitHub, not "".
    body: issue.body === "" ? null : issue.body,
    ...(issue.pull
      ? {
        draft: issue.pull.draft,
        pull_request: {
          url: `${at.api}/pulls/${issue.number}`,
          html_url: `${at.web}/pull/${issue.number}`,
          diff_url: `${at.web}/pull/${issue.number}.diff`,
          patch_url: `${at.web}/pull/${issue.number}.patch`,
          merged_at: issue.pull.mergedAt,
        },
      }
      : {}),
  }
}

const branchJson = (urls: Urls, repo: RepoRecord, ref: string, sha: string) => ({
  label: `${repo.owner}:${ref}`,
  ref,
  sha,
  user: userJson(urls, ownerRecord(repo)),
  repo: repoJson(urls, repo),
})

/** `pull-request-simple` in lists: `merged_at` but no `merged` (§1.3); the single GET adds the rest (§1.4). */
export const pullJson = (urls: Urls, repo: RepoRecord, pr: PullRecord, baseSha: string, full: boolean) => {
  const at = repoPath(urls, repo)
  const simple = {
    url: `${at.api}/pulls/${pr.number}`,
    id: pr.id + 500_000_000,
    node_id: `PR_${pr.id}`,
    html_url: `${at.web}/pull/${pr.number}`,
    diff_url: `${at.web}/pull/${pr.number}.diff`,
    patch_url: `${at.web}/pull/${pr.number}.patch`,
    issue_url: `${at.api}/issues/${pr.number}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: userJson(urls, pr.user),
    body: pr.body === "" ? null : pr.body,
    labels: pr.labels.map((l) => labelJson(urls, repo, l)),
    milestone: null,
    created_at: pr.createdAt,
    updated_at: pr.updatedAt,
    closed_at: pr.closedAt,
    merged_at: pr.pull.mergedAt,
    merge_commit_sha: pr.pull.mergeCommitSha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    draft: pr.pull.draft,
    head: branchJson(urls, repo, pr.pull.headRef, pr.pull.headSha),
    base: branchJson(urls, repo, pr.pull.baseRef, baseSha),
    author_association: pr.association,
    auto_merge: null,
    active_lock_reason: null,
  }
  if (!full) return simple
  const open = pr.state === "open"
  return {
    ...simple,
    merged: pr.pull.mergedAt !== null,
    mergeable: open ? (pr.pull.mergeableKnown ? true : null) : null,
    rebaseable: open && pr.pull.mergeableKnown ? true : null,
    mergeable_state: open && pr.pull.mergeableKnown ? "clean" : "unknown",
    merged_by: pr.pull.mergedBy === null ? null : userJson(urls, pr.pull.mergedBy),
    maintainer_can_modify: false,
  }
}

export const issueCommentJson = (urls: Urls, repo: RepoRecord, comment: CommentRecord) => {
  const at = repoPath(urls, repo)
  return {
    url: `${at.api}/issues/comments/${comment.id}`,
    html_url: `${at.web}/pull/${comment.number}#issuecomment-${comment.id}`,
    issue_url: `${at.api}/issues/${comment.number}`,
    id: comment.id,
    node_id: `IC_${comment.id}`,
    user: userJson(urls, comment.user),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: comment.association,
    body: comment.body,
  }
}

export interface Anchor {
  /** null once the commented lines changed on the head (an outdated comment, §1.5). */
  readonly line: number | null
  readonly commitId: string
}

export const reviewCommentJson = (urls: Urls, repo: RepoRecord, comment: ReviewCommentRecord, anchor: Anchor) => {
  const at = repoPath(urls, repo)
  return {
    url: `${at.api}/pulls/comments/${comment.id}`,
    pull_request_review_id: comment.reviewId,
    id: comment.id,
    node_id: `PRRC_${comment.id}`,
    diff_hunk: comment.diffHunk,
    path: comment.path,
    position: anchor.line === null ? null : comment.originalLine === null ? null : 1,
    original_position: comment.originalLine === null ? null : 1,
    commit_id: anchor.commitId,
    original_commit_id: comment.originalCommit,
    ...(comment.inReplyTo === undefined ? {} : { in_reply_to_id: comment.inReplyTo }),
    user: userJson(urls, comment.user),
    body: comment.body,
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    html_url: `${at.web}/pull/${comment.number}#discussion_r${comment.id}`,
    pull_request_url: `${at.api}/pulls/${comment.number}`,
    author_association: comment.association,
    start_line: null,
    original_start_line: null,
    start_side: null,
    line: anchor.line,
    original_line: comment.originalLine,
    side: comment.side,
    subject_type: comment.originalLine === null ? "file" : "line",
  }
}

export const reviewJson = (urls: Urls, repo: RepoRecord, review: ReviewRecord) => {
  const at = repoPath(urls, repo)
  return {
    id: review.id,
    node_id: `PRR_${review.id}`,
    user: userJson(urls, review.user),
    body: review.body,
    state: review.state,
    html_url: `${at.web}/pull/${review.number}#pullrequestreview-${review.id}`,
    pull_request_url: `${at.api}/pulls/${review.number}`,
    author_association: review.association,
    submitted_at: review.createdAt,
    commit_id: review.commitId,
  }
}

export const checkRunJson = (urls: Urls, repo: RepoRecord, run: CheckRunRecord) => {
  const at = repoPath(urls, repo)
  const actions = run.app === "github-actions"
  return {
    id: run.id,
    node_id: `CR_${run.id}`,
    head_sha: run.headSha,
    external_id: actions ? crypto.randomUUID() : `ext-${run.id}`,
    url: `${at.api}/check-runs/${run.id}`,
    html_url: actions ? `${at.web}/actions/runs/${run.runId}/job/${run.id}` : `${at.web}/runs/${run.id}`,
    details_url: actions ? `${at.web}/actions/runs/${run.runId}/job/${run.id}` : `https://ci.example.invalid/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.title,
      summary: run.summary,
      text: null,
      annotations_count: 0,
      annotations_url: `${at.api}/check-runs/${run.id}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.runId + 7_000_000 },
    app: { id: actions ? 15368 : 9426, slug: run.app, name: actions ? "GitHub Actions" : run.app },
    pull_requests: [],
  }
}

export const jobJson = (urls: Urls, repo: RepoRecord, run: CheckRunRecord) => {
  const at = repoPath(urls, repo)
  return {
    id: run.id,
    run_id: run.runId,
    run_url: `${at.api}/actions/runs/${run.runId}`,
    node_id: `CR_${run.id}`,
    head_sha: run.headSha,
    url: `${at.api}/actions/jobs/${run.id}`,
    html_url: `${at.web}/actions/runs/${run.runId}/job/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    name: run.name,
    steps: [{ name: run.name, status: run.status, conclusion: run.conclusion, number: 1 }],
    check_run_url: `${at.api}/check-runs/${run.id}`,
  }
}

export const statusJson = (urls: Urls, repo: RepoRecord, status: StatusRecord) => ({
  url: `${repoPath(urls, repo).api}/statuses/${status.sha}`,
  id: status.id,
  node_id: `SC_${status.id}`,
  state: status.state,
  description: status.description,
  target_url: status.targetUrl,
  context: status.context,
  created_at: status.createdAt,
  updated_at: status.createdAt,
})
