/**
 * Azure Boards work items as ticket sources (SPEC §8): read one or many, find the ones to pick up with
 * WIQL, and comment on them. Over the same HTTP road as the forge (auth, retries, decoding).
 */
import type { HttpClient } from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type { ForgeError } from "../ForgeError.ts"
import { makeAdoHttp } from "./ado_http.ts"
import { adoIdentity } from "./identity.ts"
import { AdoWorkItem, AdoWorkItemBatch, AdoWorkItemComment, AdoWorkItemComments, WiqlResult } from "./schemas.ts"
import { wiqlQuery } from "./wiql.ts"
import { workItemDescription } from "./work_item_text.ts"

/** Work item comments are a preview resource: plain 7.1 is refused (VssInvalidPreviewVersionException). */
export const COMMENTS_API_VERSION = "7.1-preview.4"
/** The batch GET takes at most 200 ids. */
const BATCH = 200

export interface WorkItemsOptions {
  readonly orgUrl: string
  readonly project: string
  readonly pat: Redacted.Redacted<string>
}

/** What a ticket takes from a work item. */
export interface WorkItemText {
  readonly id: number
  readonly type: string
  readonly title: string
  /** Markdown: description, repro steps, acceptance criteria. */
  readonly description: string
  readonly relations: ReadonlyArray<{ readonly rel: string; readonly url: string }>
}

export interface WorkItemComment {
  readonly id: string
  readonly text: string
  readonly isOwn: boolean
}

export interface WorkItems {
  readonly read: (id: number) => Effect.Effect<WorkItemText, ForgeError>
  /** Ids matching a WIQL condition in the project, in id order. */
  readonly query: (condition: string) => Effect.Effect<ReadonlyArray<number>, ForgeError>
  /** Those of `ids` that still exist and can be read, in the order given. */
  readonly readMany: (ids: ReadonlyArray<number>) => Effect.Effect<ReadonlyArray<WorkItemText>, ForgeError>
  readonly comments: (id: number) => Effect.Effect<ReadonlyArray<WorkItemComment>, ForgeError>
  /** Returns the new comment's id. The text is HTML, as Azure DevOps renders comments at this version. */
  readonly addComment: (id: number, text: string) => Effect.Effect<string, ForgeError>
}

const toText = (item: AdoWorkItem): WorkItemText => {
  const field = (name: string) => {
    const value = item.fields[name]
    return typeof value === "string" ? value : ""
  }
  return {
    id: item.id,
    type: field("System.WorkItemType"),
    title: field("System.Title").trim(),
    description: workItemDescription(item),
    relations: (item.relations ?? []).map(({ rel, url }) => ({ rel, url })),
  }
}

export const makeWorkItems = Effect.fn("WorkItems.make")(function* (options: WorkItemsOptions) {
  const send = yield* makeAdoHttp(options.pat)
  const apis = `${options.orgUrl}/${encodeURIComponent(options.project)}/_apis/wit`
  const identity = yield* adoIdentity(send, options.orgUrl)
  const what = (id: number) => `work item ${id} in project "${options.project}"`

  const read = Effect.fn("WorkItems.read")(function* (id: number) {
    const item = yield* send({
      method: "GET",
      url: `${apis}/workitems/${id}`,
      // `fields` cannot go with `$expand`: the whole item it is.
      query: { $expand: "relations" },
      what: what(id),
      schema: AdoWorkItem,
    })
    return toText(item)
  })

  const query = Effect.fn("WorkItems.query")(function* (condition: string) {
    const result = yield* send({
      method: "POST",
      url: `${apis}/wiql`,
      what: `project "${options.project}"`,
      schema: WiqlResult,
      body: { query: wiqlQuery(condition) },
    })
    return result.workItems.map((w) => w.id)
  })

  const readMany = Effect.fn("WorkItems.readMany")(function* (ids: ReadonlyArray<number>) {
    const chunks = Array.from(
      { length: Math.ceil(ids.length / BATCH) },
      (_, i) => ids.slice(i * BATCH, (i + 1) * BATCH),
    )
    const answers = yield* Effect.forEach(chunks, (chunk) =>
      send({
        method: "GET",
        url: `${apis}/workitems`,
        query: { ids: chunk.join(","), $expand: "relations", errorPolicy: "omit" },
        what: `work items ${chunk.join(", ")}`,
        schema: AdoWorkItemBatch,
      }))
    return answers.flatMap((answer) => answer.value.flatMap((item) => item === null ? [] : [toText(item)]))
  })

  const comments = Effect.fn("WorkItems.comments")(function* (id: number) {
    const own = yield* identity
    const found: Array<WorkItemComment> = []
    let token = Option.none<string>()
    do {
      const page = yield* send({
        method: "GET",
        url: `${apis}/workItems/${id}/comments`,
        apiVersion: COMMENTS_API_VERSION,
        query: Option.match(token, { onNone: () => ({}), onSome: (continuationToken) => ({ continuationToken }) }),
        what: what(id),
        schema: AdoWorkItemComments,
      })
      for (const c of page.comments) {
        if (c.isDeleted === true || c.text === undefined) continue
        found.push({ id: String(c.id), text: c.text, isOwn: c.createdBy?.id.toLowerCase() === own.id.toLowerCase() })
      }
      token = Option.fromNullable(page.continuationToken).pipe(Option.filter((t) => t !== ""))
    } while (Option.isSome(token))
    return found
  })

  const addComment = Effect.fn("WorkItems.addComment")(function* (id: number, text: string) {
    const comment = yield* send({
      method: "POST",
      url: `${apis}/workItems/${id}/comments`,
      apiVersion: COMMENTS_API_VERSION,
      what: what(id),
      schema: AdoWorkItemComment,
      body: { text },
      idempotent: false,
    })
    return String(comment.id)
  })

  return { read, query, readMany, comments, addComment } satisfies WorkItems
})

export type WorkItemsClient = Effect.Effect.Success<ReturnType<typeof makeWorkItems>>
export type { HttpClient }
