/**
 * The REST routes under `/api/v3`, with GitHub's payloads, status codes and error bodies. Repository routes
 * answer at `/repos/{owner}/{repo}/…` and at `/repositories/{id}/…`, the form GitHub's `Link` URLs use.
 */
import { apiError, BODY_LIMIT, bodyTooLong, json, notFound, paginate, validationFailed } from "./http.ts"
import type { IssueRecord, RepoRecord, UserRecord } from "./model.ts"
import { issueCommentJson, issueJson, labelJson, repoJson, type Urls, userJson } from "./payloads.ts"
import { handleChecks } from "./rest_checks.ts"
import { handlePulls } from "./rest_pulls.ts"
import type { Author, GithubState } from "./state.ts"

export interface RepoRequest {
  readonly state: GithubState
  readonly urls: Urls
  readonly url: URL
  readonly method: string
  readonly body: unknown
  readonly viewer: Author
  readonly repo: RepoRecord
  /** The path segments after the repository. */
  readonly tail: ReadonlyArray<string>
  readonly maxPageSize: number
  /** Pages of a list answer with one page and its `Link` header. */
  readonly list: (items: ReadonlyArray<unknown>) => Response
  /** The pre-signed URL a job log redirect points at. */
  readonly logLocation: (jobId: number) => string
}

export interface ApiRequest {
  readonly state: GithubState
  readonly urls: Urls
  readonly request: Request
  readonly body: unknown
  /** undefined for a request without credentials. */
  readonly viewer: Author | undefined
  readonly canSee: (repo: RepoRecord) => boolean
  readonly maxPageSize: number
  readonly logLocation: (jobId: number) => string
}

export const field = (body: unknown, name: string): unknown =>
  typeof body === "object" && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)[name]
    : undefined

export const textField = (body: unknown, name: string): string | undefined => {
  const value = field(body, name)
  return typeof value === "string" ? value : undefined
}

/** `since` keeps what was last updated at or after it, so edited comments come back (§1.5, §1.7). */
export const sinceOf = (url: URL) => (item: { readonly updatedAt: string }): boolean => {
  const since = url.searchParams.get("since")
  return since === null || Date.parse(item.updatedAt) >= Date.parse(since)
}

/** A PATCH's `title` and `body`; returns the `state` it asks for, which the caller applies. */
export const applyEdits = (issue: IssueRecord, body: unknown): "open" | "closed" | undefined => {
  const title = textField(body, "title")
  if (title !== undefined) issue.title = title
  const text = textField(body, "body")
  if (text !== undefined) issue.body = text
  const wanted = textField(body, "state")
  return wanted === "open" || wanted === "closed" ? wanted : undefined
}

const viewerJson = (urls: Urls, user: UserRecord) => ({
  ...userJson(urls, user),
  name: user.login,
  company: null,
  email: null,
  created_at: "2020-01-01T00:00:00Z",
})

export const handleApi = async (api: ApiRequest, segments: ReadonlyArray<string>): Promise<Response> => {
  const { state, urls, request, viewer } = api
  const url = new URL(request.url)
  if (segments[0] === "user" && segments.length === 1 && request.method === "GET") {
    return viewer === undefined
      ? apiError(401, "Requires authentication", "https://docs.github.com/rest/users/users#get-the-authenticated-user")
      : json(200, viewerJson(urls, viewer.user))
  }
  let repo: RepoRecord | undefined
  let tail: ReadonlyArray<string> = []
  if (segments[0] === "repos" && segments.length >= 3) {
    repo = state.findRepo(segments[1], segments[2])
    tail = segments.slice(3)
  } else if (segments[0] === "repositories" && segments.length >= 2) {
    repo = state.repos.find((r) => String(r.id) === segments[1])
    tail = segments.slice(2)
  } else return notFound()
  // A repository the token cannot see does not exist, as far as GitHub says (§1.1).
  if (repo === undefined || !api.canSee(repo) || viewer === undefined && repo.private) {
    return notFound("https://docs.github.com/rest/repos/repos#get-a-repository")
  }
  const found = repo
  const list = (items: ReadonlyArray<unknown>) => {
    const { page, headers } = paginate(url, items, {
      maxPageSize: api.maxPageSize,
      linkPath: `${urls.api}/repositories/${found.id}/${tail.join("/")}`,
    })
    return json(200, page, headers)
  }
  const anonymous: Author = { user: state.user("ghost"), association: "NONE" }
  const context: RepoRequest = {
    state,
    urls,
    url,
    method: request.method,
    body: api.body,
    viewer: viewer ?? anonymous,
    repo,
    tail,
    maxPageSize: api.maxPageSize,
    list,
    logLocation: api.logLocation,
  }
  if (tail.length === 0 && request.method === "GET") {
    return json(200, repoJson(urls, repo))
  }
  if (tail[0] === "pulls") return await handlePulls(context)
  if (tail[0] === "commits" || tail[0] === "actions" || tail[0] === "check-runs") return await handleChecks(context)
  if (tail[0] === "labels" && tail.length === 1 && request.method === "GET") {
    return list((state.labels.get(repo.id) ?? []).map((l) => labelJson(urls, found, l)))
  }
  if (tail[0] === "issues") return handleIssues(context)
  return notFound()
}

const DOCS = "https://docs.github.com/rest"
const ISSUE_DOCS = `${DOCS}/issues/issues`
const COMMENT_DOCS = "https://docs.github.com/rest/issues/comments#create-an-issue-comment"

const handleIssues = (context: RepoRequest): Response => {
  const { state, urls, url, method, repo, tail, body, viewer } = context
  const commentsOf = (number: number) => state.issueComments.filter((c) => c.repoId === repo.id && c.number === number)
  const render = (issue: Parameters<typeof issueJson>[2]) =>
    issueJson(urls, repo, issue, commentsOf(issue.number).length)

  if (tail.length === 1 && method === "GET") {
    const wanted = url.searchParams.get("state") ?? "open"
    const labels = (url.searchParams.get("labels") ?? "").split(",").map((l) => l.trim().toLowerCase())
      .filter((l) => l !== "")
    const found = state.issues.filter((i) =>
      i.repoId === repo.id && (wanted === "all" || i.state === wanted) &&
      labels.every((name) => i.labels.some((l) => l.name.toLowerCase() === name))
    )
    const ascending = url.searchParams.get("direction") === "asc"
    return context.list((ascending ? found : found.toReversed()).map(render))
  }
  if (tail[1] === "comments" && tail.length === 3 && method === "GET") {
    const comment = state.issueComments.find((c) => c.repoId === repo.id && String(c.id) === tail[2])
    return comment === undefined
      ? notFound(`${DOCS}/issues/comments#get-an-issue-comment`)
      : json(200, issueCommentJson(urls, repo, comment))
  }
  const issue = state.issue(repo, Number(tail[1]))
  if (issue === undefined) return notFound(`${ISSUE_DOCS}#get-an-issue`)
  const rest = tail.slice(2)

  if (rest.length === 0 && method === "GET") return json(200, render(issue))
  if (rest.length === 0 && method === "PATCH") {
    const wanted = applyEdits(issue, body)
    if (wanted !== undefined) state.setState(issue, wanted)
    return json(200, render(issue))
  }
  if (rest[0] === "comments" && rest.length === 1 && method === "GET") {
    const since = sinceOf(url)
    return context.list(commentsOf(issue.number).filter(since).map((c) => issueCommentJson(urls, repo, c)))
  }
  if (rest[0] === "comments" && rest.length === 1 && method === "POST") {
    const text = textField(body, "body")
    if (text === undefined || text === "") {
      return validationFailed([{ resource: "IssueComment", code: "missing_field", field: "body" }], COMMENT_DOCS)
    }
    if (text.length > BODY_LIMIT) return bodyTooLong("IssueComment", COMMENT_DOCS)
    return json(201, issueCommentJson(urls, repo, state.addIssueComment(issue, viewer, text)))
  }
  if (rest[0] === "labels" && rest.length === 1 && method === "GET") {
    return context.list(issue.labels.map((l) => labelJson(urls, repo, l)))
  }
  if (rest[0] === "labels" && rest.length === 1 && method === "POST") {
    const names = field(body, "labels")
    if (!Array.isArray(names)) {
      return validationFailed([{ resource: "Label", code: "invalid", field: "labels" }], ISSUE_DOCS)
    }
    for (const name of names.filter((n): n is string => typeof n === "string")) {
      const label = state.label(repo, name)
      if (!issue.labels.includes(label)) issue.labels.push(label)
    }
    return json(200, issue.labels.map((l) => labelJson(urls, repo, l)))
  }
  if (rest[0] === "labels" && rest.length === 2 && method === "DELETE") {
    const before = issue.labels.length
    issue.labels = issue.labels.filter((l) => l.name.toLowerCase() !== rest[1].toLowerCase())
    if (issue.labels.length === before) return apiError(404, "Label does not exist")
    return json(200, issue.labels.map((l) => labelJson(urls, repo, l)))
  }
  return notFound()
}
