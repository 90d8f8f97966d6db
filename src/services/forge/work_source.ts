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
import { makeIssues } from "./github/Issues.ts"
import { ghAuthToken, requireToken } from "./github/token.ts"
import { githubWeb, parseRepoUrl, repoUrlHints } from "./repo_url.ts"
import {
  IssueRef,
  issueUrl,
  parseIssueRef,
  parseWorkItemRef,
  type SourceRefInvalid,
  WorkItemRef,
  workItemUrl,
} from "./source_ref.ts"

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

/** Commenting on the item a ticket came from: HTML on a work item, Markdown on an issue. */
export const commentsOn = (source: TicketSource) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    if (source.forge === "github") {
      const ref = yield* issueRefOf(source.url, config, undefined)
      const issues = yield* issuesFor(ref)
      const comments: ItemComments = {
        render: (plain) => plain,
        own: issues.comments(ref.number),
        add: (rendered) => issues.addComment(ref.number, rendered),
      }
      return comments
    }
    const ref = yield* refOf(source.url, config)
    const items = yield* workItemsFor(ref)
    const comments: ItemComments = {
      render: renderHtmlComment,
      own: Effect.map(items.comments(ref.id), (all) => all.filter((c) => c.isOwn)),
      add: (rendered) => items.addComment(ref.id, rendered),
    }
    return comments
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

// ---- GitHub issues ----

const githubRepository = (config: AppConfigShape, repoUrl: string | undefined) => {
  if (repoUrl === undefined) return undefined
  const parsed = parseRepoUrl(repoUrl, repoUrlHints(config))
  return Either.isRight(parsed) && parsed.right._tag === "GitHubRepoUrl" ? parsed.right : undefined
}

const issuesFor = (ref: { readonly apiUrl: string; readonly owner: string; readonly repo: string }) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const token = yield* requireToken(config, ref.apiUrl, yield* ghAuthToken)
    return yield* makeIssues({ apiUrl: ref.apiUrl, owner: ref.owner, repo: ref.repo, token })
  })

const issueRefOf = (input: string, config: AppConfigShape, repoUrl: string | undefined) => {
  const repository = githubRepository(config, repoUrl)
  return Either.match(
    parseIssueRef(input, {
      apiUrl: config.github.apiUrl,
      repository: repository === undefined ? undefined : { owner: repository.owner, repo: repository.repo },
    }),
    { onLeft: Effect.fail, onRight: Effect.succeed },
  )
}

/** `run --issue`: the issue read, its repository being the ticket's unless `--repo` names another. */
export const readIssue = (input: string, repoUrl: string | undefined) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const ref = yield* issueRefOf(input, config, repoUrl)
    const url = issueUrl(ref)
    const what = `issue #${ref.number} of ${ref.owner}/${ref.repo} (${url})`
    const issue = yield* Effect.flatMap(issuesFor(ref), (issues) => issues.read(ref.number)).pipe(
      Effect.mapError((error) =>
        error._tag === "ConfigMissing" || error._tag === "ConfigRequired"
          ? error
          : new SourceUnreadable({ what, reason: error.message })
      ),
    )
    if (issue.title.trim() === "") return yield* new SourceUnreadable({ what, reason: "it has no title" })
    const source: TicketSource = { forge: "github", id: String(ref.number), url }
    const item: SourceItem = { title: issue.title.trim(), description: issue.body ?? "", source }
    return { item, repoUrl: `${githubWeb(ref.apiUrl)?.origin ?? ref.apiUrl}/${ref.owner}/${ref.repo}` }
  }).pipe(Effect.withSpan("WorkSource.readIssue"))

/** Open issues of the repository labelled `github.watch_label`, pull requests left out. */
export const watchedIssues = (repository: { readonly apiUrl: string; readonly owner: string; readonly repo: string }) =>
  Effect.gen(function* () {
    const config = yield* AppConfig
    const issues = yield* issuesFor(repository)
    const seen = new Map<string, SourceItem>()
    const watched: WatchedItems = {
      candidates: Effect.map(issues.labelled(config.github.watchLabel), (found) =>
        found.map((issue) => {
          const ref = new IssueRef({ ...repository, number: issue.number })
          const source: TicketSource = { forge: "github", id: String(issue.number), url: issueUrl(ref) }
          seen.set(source.url, { title: issue.title.trim(), description: issue.body ?? "", source })
          return source.url
        })),
      read: (urls) =>
        Effect.succeed(
          urls.flatMap((url) => Option.toArray(Option.fromNullable(seen.get(url)))).filter((i) => i.title !== ""),
        ),
    }
    return watched
  })
