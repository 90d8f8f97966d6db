/**
 * Policy evaluations, builds, build timelines and build logs, with the payloads Azure DevOps 7.1 serves
 * (reference: github-workitems-checks.md §4): evaluations are a preview resource, a build policy's
 * evaluation carries its build in an untyped `context`, an expired build shows as `queued` + `isExpired`,
 * and logs are plain text lines with a timestamp each.
 */
import { resolveRef } from "../git_server/git.ts"
import { errorBody, guid, type PullRequestRecord, type RepoRecord, type Scope } from "./model.ts"
import { type BuildRecord, pipelinesOf, type TimelineRecordRecord } from "./pipelines.ts"
import type { EmulatorState } from "./state.ts"

const BUILD_POLICY = { id: "0609b952-1397-4640-95ec-e00a01b2c241", displayName: "Build" }
const REVIEWERS_POLICY = { id: "fa4e907d-c16b-4a4c-9dfa-4906e5d171dd", displayName: "Minimum number of reviewers" }
const COMMENTS_POLICY = { id: "c6a1889d-b943-4856-b76f-9e46bb6b0df2", displayName: "Comment requirements" }

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8; api-version=7.1" },
  })
const fail = (status: number, message: string, typeKey: string) => json(status, errorBody(message, typeKey))
const list = (value: ReadonlyArray<unknown>) => json(200, { count: value.length, value })

const configuration = (scope: Scope, id: number, type: typeof BUILD_POLICY, settings: Record<string, unknown>) => ({
  createdBy: { displayName: "Project Administrator", id: "5e4f0b5e-3d6c-4d0b-9d44-6a4f0a1c2d3e" },
  createdDate: "2026-01-01T00:00:00.000Z",
  isEnabled: true,
  isBlocking: true,
  isDeleted: false,
  settings,
  isEnterpriseManaged: false,
  revision: 1,
  id,
  url: `${scope.orgUrl}/${scope.projectId}/_apis/policy/configurations/${id}`,
  type: { ...type, url: `${scope.orgUrl}/${scope.projectId}/_apis/policy/types/${type.id}` },
})

/** The commits a pull request's merge was last computed from: its source branch's head and its target's. */
export const mergeCommits = async (scope: Scope, repo: RepoRecord, pr: PullRequestRecord) => {
  const commit = async (ref: string) => {
    const commitId = await resolveRef(repo.bareDir, ref)
    return commitId === undefined
      ? undefined
      : { commitId, url: `${scope.orgUrl}/${scope.projectId}/_apis/git/repositories/${repo.id}/commits/${commitId}` }
  }
  const [source, target] = [await commit(pr.sourceRefName), await commit(pr.targetRefName)]
  return {
    ...(source === undefined ? {} : { lastMergeSourceCommit: source }),
    ...(target === undefined ? {} : { lastMergeTargetCommit: target }),
  }
}

const buildUrl = (scope: Scope, id: number) => `${scope.orgUrl}/${scope.projectId}/_apis/build/Builds/${id}`

const evaluationStatus = (build: BuildRecord) =>
  build.expired || build.status === "notStarted"
    ? "queued"
    : build.status === "inProgress"
    ? "running"
    : build.result === "succeeded"
    ? "approved"
    : "rejected"

const evaluations = async (org: EmulatorState, url: URL): Promise<Response> => {
  const scope = org.scope
  // Clients send the id encoded once (`…/{projectId}/{prId}`) or, as observed, with `%2f` inside.
  const artifactId = (url.searchParams.get("artifactId") ?? "").replace(/%2f/gi, "/")
  const match = /^vstfs:\/\/\/CodeReview\/CodeReviewId\/([^/]+)\/(\d+)$/i.exec(artifactId)
  if (match === null) {
    return fail(400, `The artifact id '${artifactId}' is not valid.`, "InvalidArgumentValueException")
  }
  const pr = match[1].toLowerCase() === scope.projectId ? org.pullRequest(Number(match[2])) : undefined
  const repo = pr && org.repos.find((r) => r.id === pr.repoId)
  if (pr === undefined || repo === undefined) return list([])
  const state = pipelinesOf(org)
  const build = state.withoutPolicy.has(repo.id) ? undefined : await state.currentBuild(pr)
  const artifact = `vstfs:///CodeReview/CodeReviewId/${scope.projectId}%2f${pr.pullRequestId}`
  const base = { artifactId: artifact, startedDate: pr.creationDate }
  const activeThreads = org.threadsOf(pr.pullRequestId).some((t) => t.status === "active")
  const scopeSetting = [{ refName: pr.targetRefName, matchKind: "Exact", repositoryId: repo.id }]
  const others = [
    {
      ...base,
      configuration: configuration(scope, 12, REVIEWERS_POLICY, { minimumApproverCount: 1, scope: scopeSetting }),
      evaluationId: guid(),
      completedDate: null,
      status: "queued",
      context: null,
    },
    {
      ...base,
      configuration: configuration(scope, 13, COMMENTS_POLICY, { scope: scopeSetting }),
      evaluationId: guid(),
      completedDate: null,
      status: activeThreads ? "rejected" : "approved",
      context: null,
    },
  ]
  if (build === undefined) return list(others)
  const definition = build.definition
  const status = evaluationStatus(build)
  return list([
    {
      ...base,
      configuration: configuration(scope, state.configurationOf(repo), BUILD_POLICY, {
        buildDefinitionId: definition.id,
        queueOnSourceUpdateOnly: true,
        manualQueueOnly: false,
        displayName: null,
        validDuration: 720,
        scope: scopeSetting,
      }),
      evaluationId: guid(),
      completedDate: status === "approved" || status === "rejected" ? build.finishTime : null,
      status,
      context: {
        lastMergeCommitId: build.targetSha,
        lastMergeSourceCommitId: build.sourceSha,
        lastMergeTargetCommitId: build.targetSha,
        buildId: build.id,
        buildDefinitionId: definition.id,
        buildDefinitionName: definition.name,
        buildIsNotCurrent: false,
        buildStartedUtc: build.queueTime,
        isExpired: build.expired,
        buildAfterMerge: false,
        wasAutoRequeued: false,
        buildOutputPreview: null,
      },
    },
    ...others,
  ])
}

/**
 * The project's builds, filtered by `branchName` and cut to `$top`. Without `queryOrder` they come oldest
 * first (a client must ask for the newest); a cut list names where the next page starts in
 * `x-ms-continuationtoken`. A pull request's merge ref asked for is built first, as its push queued it.
 */
const buildList = async (org: EmulatorState, url: URL): Promise<Response> => {
  const state = pipelinesOf(org)
  const branch = url.searchParams.get("branchName")
  const merge = /^refs\/pull\/(\d+)\/merge$/.exec(branch ?? "")
  const pr = merge === null ? undefined : org.pullRequest(Number(merge[1]))
  if (pr !== undefined) await state.currentBuild(pr)
  const found = state.builds.filter((b) => branch === null || `refs/pull/${b.pullRequestId}/merge` === branch)
  const ordered = url.searchParams.get("queryOrder") === "queueTimeDescending" ? found.toReversed() : found
  const top = Number(url.searchParams.get("$top") ?? ordered.length) || ordered.length
  const page = ordered.slice(0, top)
  const response = list(page.map((b) => buildJson(org.scope, b)))
  if (page.length < ordered.length) response.headers.set("x-ms-continuationtoken", ordered[top].queueTime)
  return response
}

const logUrl = (scope: Scope, build: BuildRecord, logId: number) => `${buildUrl(scope, build.id)}/logs/${logId}`

const buildJson = (scope: Scope, build: BuildRecord) => ({
  id: build.id,
  buildNumber: build.buildNumber,
  status: build.status,
  ...(build.result === null ? {} : { result: build.result }),
  queueTime: build.queueTime,
  ...(build.finishTime === null ? {} : { finishTime: build.finishTime }),
  url: buildUrl(scope, build.id),
  definition: { id: build.definition.id, name: build.definition.name, type: "build", queueStatus: "enabled" },
  project: { id: scope.projectId, name: scope.projectName },
  reason: "pullRequest",
  sourceBranch: `refs/pull/${build.pullRequestId}/merge`,
  sourceVersion: build.targetSha,
  triggerInfo: { "pr.number": String(build.pullRequestId), "pr.sourceSha": build.sourceSha, "pr.isFork": "False" },
  logs: { id: 0, type: "Container", url: `${buildUrl(scope, build.id)}/logs` },
  repository: { id: build.repoId, type: "TfsGit" },
})

const recordJson = (scope: Scope, build: BuildRecord, record: TimelineRecordRecord) => ({
  previousAttempts: [],
  id: record.id,
  parentId: record.parentId,
  type: record.type,
  name: record.name,
  startTime: build.queueTime,
  finishTime: build.finishTime,
  currentOperation: null,
  percentComplete: null,
  state: build.status === "completed" ? "completed" : build.status === "inProgress" ? "inProgress" : "pending",
  result: record.result,
  resultCode: null,
  changeId: record.order,
  lastModified: build.finishTime ?? build.queueTime,
  workerName: "Azure Pipelines 3",
  order: record.order,
  details: null,
  errorCount: record.issues.length,
  warningCount: 0,
  url: null,
  log: record.logId === null ? null : { id: record.logId, type: "Container", url: logUrl(scope, build, record.logId) },
  task: record.type === "Task" ? { id: guid(), name: "CmdLine", version: "2.212.0" } : null,
  attempt: 1,
  identifier: null,
  issues: record.issues.map((message) => ({
    type: "error",
    category: "General",
    message,
    data: { type: "error", logFileLineNumber: "1" },
  })),
})

/** Lines `startLine`..`endLine`, counted from 1 (0 reads as 1), as the log endpoint slices them. */
const slice = (lines: ReadonlyArray<string>, url: URL): ReadonlyArray<string> => {
  const start = Math.max(1, Number(url.searchParams.get("startLine") ?? 1) || 1)
  const end = Number(url.searchParams.get("endLine") ?? lines.length) || lines.length
  return lines.slice(start - 1, end)
}

/**
 * Answers `{project}/_apis/policy/…` and `{project}/_apis/build/…`; `words` are the lower-cased path
 * segments after `_apis`. Undefined for a route it does not know.
 */
export const handlePipelines = (
  org: EmulatorState,
  request: Request,
  words: ReadonlyArray<string>,
): Promise<Response | undefined> | Response | undefined => {
  const url = new URL(request.url)
  if (request.method !== "GET") return undefined
  if (words[0] === "policy" && words[1] === "evaluations" && words.length === 2) {
    const version = url.searchParams.get("api-version") ?? ""
    if (!version.includes("-preview")) {
      return fail(
        400,
        `The requested version "${version}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${version}-preview"`,
        "VssInvalidPreviewVersionException",
      )
    }
    return evaluations(org, url)
  }
  if (words[0] === "build" && words[1] === "builds" && words.length === 2) return buildList(org, url)
  if (words[0] !== "build" || words[1] !== "builds" || words[2] === undefined) return undefined
  const scope = org.scope
  const build = pipelinesOf(org).builds.find((b) => String(b.id) === words[2])
  if (build === undefined) {
    return fail(404, `The requested build ${words[2]} could not be found.`, "BuildNotFoundException")
  }
  const tail = words.slice(3)
  if (tail.length === 0) return json(200, buildJson(scope, build))
  if (tail[0] === "timeline" && tail.length <= 2) {
    return json(200, {
      records: build.records.map((r) => recordJson(scope, build, r)),
      lastChangedBy: guid(),
      lastChangedOn: build.finishTime ?? build.queueTime,
      id: guid(),
      changeId: build.records.length,
      url: `${buildUrl(scope, build.id)}/Timeline`,
    })
  }
  if (tail[0] !== "logs") return undefined
  if (tail.length === 1) {
    return list([...build.logs].map(([id, lines]) => ({
      lineCount: lines.length,
      createdOn: build.queueTime,
      lastChangedOn: build.finishTime ?? build.queueTime,
      id,
      type: "Container",
      url: logUrl(scope, build, id),
    })))
  }
  const lines = tail.length === 2 ? build.logs.get(Number(tail[1])) : undefined
  if (lines === undefined) {
    return fail(404, `Build log ${tail[1]} for build ${build.id} was not found.`, "BuildLogNotFoundException")
  }
  const wanted = slice(lines, url)
  const accept = request.headers.get("accept") ?? ""
  if (accept.includes("application/json") && !accept.includes("text/plain")) return list(wanted)
  return new Response(wanted.join("\n"), { headers: { "content-type": "text/plain; charset=utf-8" } })
}
