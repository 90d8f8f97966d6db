/**
 * Which work item a `--work-item` argument names (SPEC §2): an id in the configured project, or the
 * item's web URL. Pure, checked before anything is read or created.
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

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
