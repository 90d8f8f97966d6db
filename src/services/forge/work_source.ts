/**
 * The work item or issue behind a ticket (SPEC §8), whichever forge holds it: read once to make the
 * ticket, commented on when its pull request opens and when it ends. The repository's forge plays no
 * part: a work item belongs to no repository.
 */
import type { HttpClient } from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { TicketSource } from "../../domain/Ticket.ts"
import { AppConfig, type AppConfigShape, requireSetting } from "../config/AppConfig.ts"
import type { ConfigMissing, ConfigRequired } from "../config/ConfigError.ts"
import { makeWorkItems } from "./ado/WorkItems.ts"
import type { ForgeError } from "./ForgeError.ts"
import { watchCondition } from "./ado/wiql.ts"
import { parseWorkItemRef, type SourceRefInvalid, WorkItemRef, workItemUrl } from "./source_ref.ts"

/** The work item or issue cannot be read: it does not exist, or the credentials may not see it. */
export class SourceUnreadable extends Schema.TaggedError<SourceUnreadable>()("SourceUnreadable", {
  what: Schema.String,
  reason: Schema.String,
}) {
  override get message(): string {
    return `cannot read ${this.what}: ${this.reason}`
  }
}

/** What a ticket is made of. Text still untrusted: the prompt strips hidden text and fences it. */
export interface SourceItem {
  readonly title: string
  readonly description: string
  readonly source: TicketSource
}

export interface SourceComment {
  readonly id: string
  readonly text: string
}

/** Commenting on one item. */
export interface ItemComments {
  /** The plain text as this forge's comment markup. */
  readonly render: (plain: string) => string
  readonly own: Effect.Effect<ReadonlyArray<SourceComment>, ForgeError>
  readonly add: (rendered: string) => Effect.Effect<string, ForgeError>
}

const hints = (config: AppConfigShape) => ({
  orgUrl: Option.getOrUndefined(config.ado.orgUrl),
  project: Option.getOrUndefined(config.ado.project),
})

const escapeHtml = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;")

/** Azure DevOps renders work item comments as HTML at this API version: escaped text, links made links. */
export const renderHtmlComment = (plain: string): string =>
  escapeHtml(plain).replace(/https?:\/\/[^\s<>"]+/g, (url) => `<a href="${url}">${url}</a>`)
    .split("\n").join("<br>")

const workItemsFor = (project: { readonly orgUrl: string; readonly project: string }) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const pat = yield* requireSetting(config, "ado.pat", config.ado.pat)
    return yield* makeWorkItems({ orgUrl: project.orgUrl, project: project.project, pat })
  })

const refOf = (input: string, config: AppConfigShape): Effect.Effect<WorkItemRef, SourceRefInvalid> =>
  Either.match(parseWorkItemRef(input, hints(config)), { onLeft: Effect.fail, onRight: Effect.succeed })

/** `run --work-item`: the item read and turned into a ticket's title and description. */
export const readWorkItem = (
  input: string,
): Effect.Effect<
  SourceItem,
  SourceRefInvalid | SourceUnreadable | ConfigMissing | ConfigRequired,
  AppConfig | HttpClient
> =>
  Effect.gen(function* () {
    const ref = yield* refOf(input, yield* AppConfig)
    const url = workItemUrl(ref)
    const item = yield* Effect.flatMap(workItemsFor(ref), (items) => items.read(ref.id)).pipe(
      Effect.mapError((error) =>
        error._tag === "ConfigMissing" || error._tag === "ConfigRequired"
          ? error
          : new SourceUnreadable({ what: `work item ${ref.id} (${url})`, reason: error.message })
      ),
    )
    if (item.title === "") {
      return yield* new SourceUnreadable({ what: `work item ${ref.id} (${url})`, reason: "it has no title" })
    }
    const source: TicketSource = { forge: "ado", id: String(ref.id), url }
    return { title: item.title, description: item.description, source }
  }).pipe(Effect.withSpan("WorkSource.readWorkItem"))

/** Commenting on the item a ticket came from. */
export const commentsOn = (
  source: TicketSource,
): Effect.Effect<ItemComments, SourceRefInvalid | ConfigMissing | ConfigRequired, AppConfig | HttpClient> =>
  Effect.gen(function* () {
    const ref = yield* refOf(source.url, yield* AppConfig)
    const items = yield* workItemsFor(ref)
    return {
      render: renderHtmlComment,
      own: Effect.map(items.comments(ref.id), (all) => all.filter((c) => c.isOwn)),
      add: (rendered) => items.addComment(ref.id, rendered),
    }
  })

/** What `watch` polls: the items to pick up, and reading those it has not seen. */
export interface WatchedItems {
  /** The web URLs of the matching items, oldest first: each is the key of its ticket's source. */
  readonly candidates: Effect.Effect<ReadonlyArray<string>, ForgeError>
  readonly read: (urls: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<SourceItem>, ForgeError>
}

/**
 * Work items of the configured project: tagged `ado.watch_tag` and not closed, or matching the WIQL
 * condition given instead.
 */
export const watchedWorkItems = (
  condition: Option.Option<string>,
): Effect.Effect<WatchedItems, ConfigMissing | ConfigRequired, AppConfig | HttpClient> =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const orgUrl = yield* requireSetting(config, "ado.org_url", config.ado.orgUrl)
    const project = yield* requireSetting(config, "ado.project", config.ado.project)
    const items = yield* workItemsFor({ orgUrl, project })
    const where = Option.getOrElse(condition, () => watchCondition(config.ado.watchTag))
    const urlOf = (id: number) => workItemUrl(new WorkItemRef({ orgUrl, project, id }))
    const idOf = new Map<string, number>()
    return {
      candidates: Effect.map(items.query(where), (ids) =>
        ids.map((id) => {
          idOf.set(urlOf(id), id)
          return urlOf(id)
        })),
      read: (urls) =>
        Effect.map(items.readMany(urls.flatMap((url) => Option.toArray(Option.fromNullable(idOf.get(url))))), (read) =>
          read.filter((item) =>
            item.title !== ""
          ).map((item) => {
            const source: TicketSource = { forge: "ado", id: String(item.id), url: urlOf(item.id) }
            return { title: item.title, description: item.description, source }
          })),
    }
  })
