/**
 * devvy's comments on the work item or issue a ticket came from (SPEC §8): one when the pull request
 * opens, one when the ticket ends, each exactly once across crashes (stored as intended, looked for on
 * the item before posting again, stored as posted).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { Ticket } from "../domain/Ticket.ts"
import { commentsOn } from "../services/forge/work_source.ts"
import { type SourceCommentKind, SourceCommentLedger } from "../services/store/SourceCommentLedger.ts"
import { TicketLog } from "../services/store/TicketLog.ts"

/** `owner/repo` of a GitHub URL (an issue's page, a repository's, or `git@host:owner/repo.git`), lower-cased. */
const slugOf = (url: string): string | undefined => {
  const path = URL.canParse(url) ? new URL(url).pathname : /^[^@\s]+@[^:\s]+:(.+)$/.exec(url)?.[1]
  const [owner, repo] = (path ?? "").split("/").filter((s) => s !== "")
  return owner === undefined || repo === undefined ? undefined : `${owner}/${repo.replace(/\.git$/i, "")}`.toLowerCase()
}

/**
 * SPEC §8: the body of a pull request for a GitHub issue ends with `Closes #N`, which closes the issue
 * when it merges; `Closes owner/repo#N` when the issue lives in another repository.
 */
export const withClosingLine = (description: string, ticket: Ticket): string => {
  const source = ticket.source
  if (source === null || source.forge !== "github") return description
  const issueRepo = slugOf(source.url)
  const reference = issueRepo !== undefined && issueRepo !== slugOf(ticket.repoUrl)
    ? `${source.url.split("/").slice(3, 5).join("/")}#${source.id}`
    : `#${source.id}`
  return `${description.trimEnd()}\n\nCloses ${reference}`
}

export const openedComment = (ticket: Ticket, prUrl: string): string =>
  `devvy opened a pull request for this, ticket ${ticket.id}: ${prUrl}`

/** Undefined for a ticket that ended otherwise (CANCELLED): the person who cancelled it knows. */
export const endedComment = (ticket: Ticket): string | undefined =>
  ticket.state === "MERGED"
    ? `devvy's pull request for this was merged${
      ticket.prUrl === null ? "" : `: ${ticket.prUrl}`
    } (ticket ${ticket.id}).`
    : ticket.state === "FAILED"
    ? `devvy's ticket ${ticket.id} for this failed: ${ticket.error ?? "failed"}`
    : undefined

/**
 * Posts the comment unless it is known to be posted. An outage fails (the ticket pauses and retries
 * later); any other refusal is logged, as a comment is not worth failing the ticket for.
 */
export const commentOnSource = Effect.fn("Source.comment")(
  function* (ticket: Ticket, kind: SourceCommentKind, plain: string) {
    const source = ticket.source
    if (source === null) return
    const ledger = yield* SourceCommentLedger
    const log = yield* TicketLog
    const posting = Effect.gen(function* () {
      const comments = yield* commentsOn(source)
      const intended = yield* ledger.intend(ticket.id, kind, comments.render(plain))
      if (Option.isSome(intended.commentId)) return
      // A crash may have come between the post and its record: the comment may be there already.
      const onItem = (yield* comments.own).find((c) => c.text.trim() === intended.content.trim())
      const id = onItem?.id ?? (yield* comments.add(intended.content))
      yield* ledger.posted(ticket.id, kind, id)
      yield* log.append(ticket.id, ticket.state, "info", `commented on ${source.url}`)
    })
    yield* posting.pipe(
      Effect.catchIf(
        (error) => error._tag !== "ForgeUnavailable",
        (error) => log.append(ticket.id, ticket.state, "warn", `could not comment on ${source.url}: ${error.message}`),
      ),
    )
  },
)

/** The closing comment of an ended ticket, if it has one and it is not posted yet. */
export const commentOnEnd = (ticket: Ticket) => {
  const text = endedComment(ticket)
  // The ticket has ended either way: an outage leaves the comment for `watch` or `resume` to settle.
  return text === undefined ? Effect.void : commentOnSource(ticket, "ended", text).pipe(
    Effect.catchTag(
      "ForgeUnavailable",
      (error) => Effect.flatMap(TicketLog, (log) => log.append(ticket.id, ticket.state, "warn", error.message)),
    ),
  )
}
