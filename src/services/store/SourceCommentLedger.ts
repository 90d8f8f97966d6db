import { SqlClient } from "@effect/sql/SqlClient"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { TicketId } from "../../domain/TicketId.ts"

/** The comments devvy leaves on a ticket's work item or issue: one when its pull request opens, one when it ends. */
export type SourceCommentKind = "opened" | "ended"

const Row = Schema.Struct({ content: Schema.String, comment_id: Schema.NullOr(Schema.String) })
const decodeRows = Schema.decodeUnknown(Schema.Array(Row))

/**
 * Each comment on the source exactly once, as ReplyLedger does for review replies: `intend` (stored),
 * post, `posted` (stored). A comment intended but not known as posted is looked for on the item before
 * it is posted again.
 */
export class SourceCommentLedger extends Effect.Service<SourceCommentLedger>()("devvy/SourceCommentLedger", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient

    /** The comment as first intended (a later call keeps those words) and its id once posted. */
    const intend = Effect.fn("SourceComments.intend")(
      function* (ticketId: TicketId, kind: SourceCommentKind, content: string) {
        const at = yield* Clock.currentTimeMillis
        yield* sql`INSERT OR IGNORE INTO source_comments ${
          sql.insert({ ticket_id: ticketId, kind, content, comment_id: null, at })
        }`.pipe(Effect.orDie)
        const rows = yield* sql`SELECT content, comment_id FROM source_comments
                                WHERE ticket_id = ${ticketId} AND kind = ${kind}`.pipe(
          Effect.flatMap(decodeRows),
          Effect.orDie,
        )
        const row = rows[0] ?? { content, comment_id: null }
        return { content: row.content, commentId: Option.fromNullable(row.comment_id) }
      },
    )

    const posted = Effect.fn("SourceComments.posted")(
      function* (ticketId: TicketId, kind: SourceCommentKind, commentId: string) {
        const at = yield* Clock.currentTimeMillis
        yield* sql`UPDATE source_comments SET comment_id = ${commentId}, at = ${at}
                   WHERE ticket_id = ${ticketId} AND kind = ${kind}`.pipe(Effect.orDie)
      },
    )

    /** Ended tickets from a work item or issue whose closing comment is not known to be posted. */
    const unsettledEnds = Effect.fn("SourceComments.unsettledEnds")(function* () {
      const rows = yield* sql`SELECT t.id FROM tickets t
        LEFT JOIN source_comments c ON c.ticket_id = t.id AND c.kind = 'ended'
        WHERE t.source_url IS NOT NULL AND t.state IN ('MERGED', 'FAILED') AND c.comment_id IS NULL
        ORDER BY t.updated_at`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ id: TicketId })))),
        Effect.orDie,
      )
      return rows.map((row) => row.id)
    })

    return { intend, posted, unsettledEnds } as const
  }),
}) {}
