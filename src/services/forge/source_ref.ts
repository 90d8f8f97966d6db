/**
 * Which work item a `--work-item` argument names, or which issue an `--issue` one does (SPEC §2): an id
 * in the configured project or default repository, or the item's web URL. Pure, checked before
 * anything is read or created.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { githubWeb } from "./repo_url.ts"

/** An Azure DevOps work item: where its project's API lives and its number. */
export class WorkItemRef extends Schema.TaggedClass<WorkItemRef>()("WorkItemRef", {
  /** No slash at the end. */
  orgUrl: Schema.String,
  /** Decoded. */
  project: Schema.String,
  id: Schema.Number,
}) {}

/** The page a person opens for the item, and the key that makes one live ticket per item. */
export const workItemUrl = (ref: WorkItemRef): string =>
  `${ref.orgUrl}/${encodeURIComponent(ref.project)}/_workitems/edit/${ref.id}`

export class SourceRefInvalid extends Schema.TaggedError<SourceRefInvalid>()("SourceRefInvalid", {
  input: Schema.String,
  /** "a work item" or "an issue". */
  what: Schema.String,
  reason: Schema.String,
}) {
  override get message(): string {
    return `"${this.input}" does not name ${this.what}: ${this.reason}`
  }
}

export interface ProjectHints {
  readonly orgUrl?: string | undefined
  readonly project?: string | undefined
}

const positive = (text: string): number | undefined => /^[1-9]\d{0,9}$/.test(text) ? Number(text) : undefined

/** `42`, or `{org_url}/{project}/_workitems/edit/42` (any base URL, so Azure DevOps Server too). */
export const parseWorkItemRef = (input: string, hints: ProjectHints): Either.Either<WorkItemRef, SourceRefInvalid> => {
  const text = input.trim()
  const fail = (reason: string) => Either.left(new SourceRefInvalid({ input, what: "a work item", reason }))
  const id = positive(text)
  if (id !== undefined) {
    if (hints.orgUrl === undefined || hints.project === undefined) {
      return fail("a bare id needs ado.org_url and ado.project in the config; or give the work item's URL")
    }
    return Either.right(new WorkItemRef({ orgUrl: hints.orgUrl.replace(/\/+$/, ""), project: hints.project, id }))
  }
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) {
    return fail("expected a work item id or https://dev.azure.com/{org}/{project}/_workitems/edit/{id}")
  }
  const url = new URL(text)
  const segments = url.pathname.split("/").filter((s) => s !== "")
  const at = segments.findIndex((s) => s.toLowerCase() === "_workitems")
  const itemId = positive(segments[at + 2] ?? "")
  if (at < 1 || segments[at + 1]?.toLowerCase() !== "edit" || itemId === undefined) {
    return fail("expected a URL of the form {org_url}/{project}/_workitems/edit/{id}")
  }
  try {
    const project = decodeURIComponent(segments[at - 1])
    const base = segments.slice(0, at - 1).join("/")
    return Either.right(
      new WorkItemRef({ orgUrl: `${url.origin}${base === "" ? "" : `/${base}`}`, project, id: itemId }),
    )
  } catch {
    return fail("its project name is not valid URL encoding")
  }
}

/** A GitHub issue: the REST base of its host, its repository and number. */
export class IssueRef extends Schema.TaggedClass<IssueRef>()("IssueRef", {
  /** `https://api.github.com` or `https://HOST/api/v3`. */
  apiUrl: Schema.String,
  owner: Schema.String,
  repo: Schema.String,
  number: Schema.Number,
}) {}

/** The issue's page (`https://github.com/{owner}/{repo}/issues/{n}`): the key of one live ticket per issue. */
export const issueUrl = (ref: IssueRef): string =>
  `${githubWeb(ref.apiUrl)?.origin ?? ref.apiUrl}/${ref.owner}/${ref.repo}/issues/${ref.number}`

export interface IssueHints {
  readonly apiUrl: string
  /** The repository a bare number belongs to: `repo_url` or `--repo`, when it is on GitHub. */
  readonly repository?: { readonly owner: string; readonly repo: string } | undefined
}

/** `12`, `#12`, `owner/repo#12`, or `https://{host}/{owner}/{repo}/issues/12` on the host of `github.api_url`. */
export const parseIssueRef = (input: string, hints: IssueHints): Either.Either<IssueRef, SourceRefInvalid> => {
  const text = input.trim()
  const fail = (reason: string) => Either.left(new SourceRefInvalid({ input, what: "an issue", reason }))
  const apiUrl = hints.apiUrl.replace(/\/+$/, "")
  const bare = /^#?(\d+)$/.exec(text)
  if (bare !== null) {
    const number = positive(bare[1])
    if (number === undefined) return fail("issue numbers start at 1")
    if (hints.repository === undefined) {
      return fail("a bare number needs --repo or repo_url to be a GitHub repository; or give the issue's URL")
    }
    return Either.right(new IssueRef({ apiUrl, ...hints.repository, number }))
  }
  const short = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)#(\d+)$/.exec(text)
  if (short !== null) {
    const number = positive(short[3])
    if (number === undefined) return fail("issue numbers start at 1")
    return Either.right(new IssueRef({ apiUrl, owner: short[1], repo: short[2], number }))
  }
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) {
    return fail("expected an issue number, owner/repo#number, or https://github.com/{owner}/{repo}/issues/{number}")
  }
  const url = new URL(text)
  const web = githubWeb(apiUrl)?.origin
  if (web === undefined || url.origin.toLowerCase() !== web.toLowerCase()) {
    return fail(`it is not on ${web ?? "the host of github.api_url"} (set github.api_url for Enterprise Server)`)
  }
  const [owner, repo, kind, raw] = url.pathname.split("/").filter((s) => s !== "")
  const number = positive(raw ?? "")
  if (owner === undefined || repo === undefined || number === undefined) {
    return fail("expected a URL of the form https://{host}/{owner}/{repo}/issues/{number}")
  }
  if (kind === "pull") return fail("it is a pull request, not an issue")
  if (kind !== "issues") return fail("expected a URL of the form https://{host}/{owner}/{repo}/issues/{number}")
  return Either.right(new IssueRef({ apiUrl, owner, repo, number }))
}
