import { SqlClient } from "@effect/sql/SqlClient"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { TicketId } from "../../domain/TicketId.ts"

/** A reply decided on but not yet known to be on the forge. */
export interface PendingReply {
  readonly threadId: string
  readonly content: string
  /** The reviewer comments it answers. */
  readonly commentIds: ReadonlyArray<string>
}

const PendingRow = Schema.Struct({
  thread_id: Schema.String,
  content: Schema.String,
  comment_ids: Schema.parseJson(Schema.Array(Schema.String)),
})
const decodePending = Schema.decodeUnknown(Schema.Array(PendingRow))
const AnsweredRow = Schema.Struct({ thread_id: Schema.String, comment_id: Schema.String })
const decodeAnswered = Schema.decodeUnknown(Schema.Array(AnsweredRow))

/** Comment ids restart per thread on Azure DevOps, so a comment is known by its thread too. */
export const commentKey = (threadId: string, commentId: string): string => `${threadId}/${commentId}`

/**
 * Which reviewer comments have been answered, and the replies on their way. The order is: `intend`
 * (stored), post on the forge, `posted` (stored). After a crash, a pending reply is looked for on the
 * forge before it is posted again, so each is posted exactly once.
 */
export class ReplyLedger extends Effect.Service<ReplyLedger>()("devvy/ReplyLedger", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient

    /** Comments answered or being answered: neither needs a new reply. */
    const handled = Effect.fn("ReplyLedger.handled")(function* (ticketId: TicketId) {
      const rows = yield* sql`SELECT thread_id, comment_id FROM answered_comments WHERE ticket_id = ${ticketId}`.pipe(
        Effect.flatMap(decodeAnswered),
        Effect.orDie,
      )
      return new Set(rows.map((row) => commentKey(row.thread_id, row.comment_id)))
    })

    const intend = Effect.fn("ReplyLedger.intend")(function* (ticketId: TicketId, reply: PendingReply) {
      const at = yield* Clock.currentTimeMillis
      yield* sql.withTransaction(Effect.gen(function* () {
        yield* sql`INSERT OR REPLACE INTO pending_replies ${
          sql.insert({
            ticket_id: ticketId,
            thread_id: reply.threadId,
            content: reply.content,
            comment_ids: JSON.stringify(reply.commentIds),
            created_at: at,
          })
        }`
        for (const commentId of reply.commentIds) {
          yield* sql`INSERT OR IGNORE INTO answered_comments ${
            sql.insert({ ticket_id: ticketId, thread_id: reply.threadId, comment_id: commentId, status: "pending", at })
          }`
        }
      })).pipe(Effect.orDie)
    })

    const posted = Effect.fn("ReplyLedger.posted")(function* (ticketId: TicketId, threadId: string, replyId: string) {
      const at = yield* Clock.currentTimeMillis
      yield* sql.withTransaction(Effect.gen(function* () {
        yield* sql`UPDATE answered_comments SET status = 'posted', reply_id = ${replyId}, at = ${at}
                   WHERE ticket_id = ${ticketId} AND thread_id = ${threadId} AND status = 'pending'`
        yield* sql`DELETE FROM pending_replies WHERE ticket_id = ${ticketId} AND thread_id = ${threadId}`
      })).pipe(Effect.orDie)
    })

    const pending = Effect.fn("ReplyLedger.pending")(function* (ticketId: TicketId) {
      const rows = yield* sql`SELECT thread_id, content, comment_ids FROM pending_replies
                              WHERE ticket_id = ${ticketId} ORDER BY created_at`.pipe(
        Effect.flatMap(decodePending),
        Effect.orDie,
      )
      return rows.map((row): PendingReply => ({
        threadId: row.thread_id,
        content: row.content,
        commentIds: row.comment_ids,
      }))
    })

    return { handled, intend, posted, pending } as const
  }),
}) {}
