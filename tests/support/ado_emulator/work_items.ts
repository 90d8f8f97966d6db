/**
 * Azure Boards' work item endpoints, as devvy and its tests call them: GET (one, with `$expand`, or a
 * batch by `ids`), json-patch PATCH, WIQL, and comments at their preview api-version.
 */
import type { IdentityRef, Scope, WorkItemRecord } from "./model.ts"
import { errorBody, now, workItemCommentJson, workItemJson } from "./model.ts"
import type { EmulatorState } from "./state.ts"
import { compileWiql, WiqlError } from "./wiql.ts"

type Reply = (status: number, body: unknown) => Response

const expands = ["none", "relations", "fields", "links", "all"]

const notFoundBody = (id: string) =>
  errorBody(
    `TF401232: Work item ${id} does not exist, or you do not have permissions to read it.`,
    "WorkItemUnauthorizedAccessException",
  )

const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {}

/** Applies a json-patch document; returns an error message for an operation Azure Boards would refuse. */
const applyPatch = (item: WorkItemRecord, operations: ReadonlyArray<unknown>): string | undefined => {
  for (const raw of operations) {
    const { op, path, value } = record(raw)
    if (typeof op !== "string" || typeof path !== "string") return "Each operation needs an op and a path."
    if (path === "/relations/-" && op === "add") {
      const { rel, url, attributes: rawAttributes } = record(value)
      const attributes = record(rawAttributes)
      if (typeof rel !== "string" || typeof url !== "string") return "A relation needs a rel and a url."
      if (rel === "ArtifactLink" && typeof attributes.name !== "string") {
        return "Artifact links must have a valid name specified."
      }
      if (item.relations.some((r) => r.rel === rel && r.url.toLowerCase() === url.toLowerCase())) {
        return `Relation already exists: ${url}`
      }
      item.relations.push({ rel, url, attributes })
      continue
    }
    const field = /^\/fields\/(.+)$/.exec(path)?.[1]
    if (field === undefined) return `The path ${path} is not supported.`
    if (op === "add" || op === "replace") item.fields[field] = value
    else if (op === "remove") delete item.fields[field]
    else if (op === "test") {
      if (item.fields[field] !== value) return `The test operation failed for ${path}.`
    } else return `The operation ${op} is not supported.`
  }
  item.rev++
  return undefined
}

/**
 * Answers `{project}/_apis/wit/…`; `words` are the lower-cased segments after `wit`. Undefined when the
 * route is not one of these.
 */
export const handleWorkItems = (
  state: EmulatorState,
  request: Request,
  words: ReadonlyArray<string>,
  body: unknown,
  reply: Reply,
  owner: IdentityRef,
): Response | undefined => {
  const url = new URL(request.url)
  const params = url.searchParams
  const method = request.method
  const scope: Scope = state.scope
  const fail = (status: number, message: string, typeKey: string) => reply(status, errorBody(message, typeKey))
  const expand = (params.get("$expand") ?? "none").toLowerCase()
  if (!expands.includes(expand)) return fail(400, `The expand value ${expand} is not valid.`, "ArgumentException")
  if (params.has("$expand") && params.has("fields")) {
    return fail(400, "The expand parameter can not be used with the fields parameter.", "ArgumentException")
  }
  const withRelations = expand === "relations" || expand === "all"

  if (words[0] === "wiql" && words.length === 1 && method === "POST") {
    const query = record(body).query
    if (typeof query !== "string") return fail(400, "The query is missing.", "ArgumentNullException")
    try {
      const matches = compileWiql(query, scope.projectName)
      const ids = state.workItems.filter((w) => matches({ ...w.fields, "System.TeamProject": scope.projectName })).map((
        w,
      ) => w.id).sort((a, b) => a - b)
      return reply(200, {
        queryType: "flat",
        queryResultType: "workItem",
        asOf: now(),
        columns: [{ referenceName: "System.Id", name: "ID", url: "" }],
        workItems: ids.map((id) => ({ id, url: `${scope.orgUrl}/${scope.projectId}/_apis/wit/workItems/${id}` })),
      })
    } catch (error) {
      if (error instanceof WiqlError) return fail(400, error.message, "QuerySyntaxException")
      throw error
    }
  }

  if (words[0] !== "workitems") return undefined
  if (words.length === 1 && method === "GET") {
    const ids = (params.get("ids") ?? "").split(",").filter((s) => s !== "")
    if (ids.length === 0 || ids.length > 200) {
      return fail(400, "Between 1 and 200 work item ids must be given.", "ArgumentException")
    }
    const omit = params.get("errorPolicy")?.toLowerCase() === "omit"
    const items = ids.map((id) => state.workItem(Number(id)))
    const missing = ids.find((_, i) => items[i] === undefined)
    if (missing !== undefined && !omit) return reply(404, notFoundBody(missing))
    const value = items.map((item) => item === undefined ? null : workItemJson(scope, item, withRelations))
    return reply(200, { count: value.length, value })
  }

  const item = state.workItem(Number(words[1]))
  if (item === undefined) return reply(404, notFoundBody(words[1] ?? ""))

  if (words.length === 2 && method === "GET") return reply(200, workItemJson(scope, item, withRelations))
  if (words.length === 2 && method === "PATCH") {
    const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase()
    if (type !== "application/json-patch+json") {
      return fail(
        415,
        `The request indicated a Content-Type of "${type}" for method type "PATCH" which is not supported. ` +
          "Valid content types for this method are: application/json-patch+json.",
        "VssRequestContentTypeNotSupportedException",
      )
    }
    if (!Array.isArray(body)) {
      return fail(
        400,
        "You must pass a valid patch document in the body of the request.",
        "VssPropertyValidationException",
      )
    }
    const problem = applyPatch(item, body)
    if (problem !== undefined) return fail(400, problem, "WorkItemPatchException")
    return reply(200, workItemJson(scope, item, true))
  }

  if (words[2] === "comments" && words.length === 3) {
    const version = params.get("api-version") ?? ""
    if (!/-preview(\.\d+)?$/.test(version)) {
      return fail(
        400,
        `The requested version "${version}" of the resource is under preview. The -preview flag must be supplied ` +
          'in the api-version for such requests. For example: "7.1-preview"',
        "VssInvalidPreviewVersionException",
      )
    }
    if (method === "GET") {
      const comments = item.comments.map((c) => workItemCommentJson(scope, item.id, c)).reverse()
      return reply(200, { totalCount: comments.length, count: comments.length, comments })
    }
    if (method === "POST") {
      const text = record(body).text
      if (typeof text !== "string" || text.trim() === "") {
        return fail(400, "The comment text cannot be empty.", "ArgumentException")
      }
      const comment = { id: item.comments.length + 1, text, createdBy: owner, createdDate: now() }
      item.comments.push(comment)
      return reply(200, workItemCommentJson(scope, item.id, comment))
    }
  }
  return undefined
}
