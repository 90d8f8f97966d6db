import { SqlClient } from "@effect/sql/SqlClient"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { TicketId } from "../../domain/TicketId.ts"

/** What the store remembers of a ticket's FIX_CHECKS rounds (see pipeline/checks/verdict.ts). */
export interface CheckRoundsRow {
  readonly used: number
  readonly handledSha: string | null
  readonly open: boolean
  readonly notice: "posting" | "posted" | null
}

const Row = Schema.Struct({
  used: Schema.Number,
  handled_sha: Schema.NullOr(Schema.String),
  open: Schema.Number,
  notice: Schema.NullOr(Schema.Literal("posting", "posted")),
})
const decodeRows = Schema.decodeUnknown(Schema.Array(Row))

export const noCheckRounds: CheckRoundsRow = { used: 0, handledSha: null, open: false, notice: null }

/**
 * A ticket's FIX_CHECKS rounds. A round is stored as started (its head commit handled, the count up)
 * before the agent sees anything, so neither a crash nor a second poll handles a head twice; it is
 * closed once its change is on its way to VALIDATE.
 */
export class CheckRounds extends Effect.Service<CheckRounds>()("devvy/CheckRounds", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient

    const get = Effect.fn("CheckRounds.get")(function* (ticketId: TicketId) {
      const rows = yield* sql`SELECT used, handled_sha, open, notice FROM check_rounds WHERE ticket_id = ${ticketId}`
        .pipe(Effect.flatMap(decodeRows), Effect.orDie)
      const row = rows[0]
      return row === undefined ? noCheckRounds : {
        used: row.used,
        handledSha: row.handled_sha,
        open: row.open === 1,
        notice: row.notice,
      } satisfies CheckRoundsRow
    })

    const write = (ticketId: TicketId, rounds: CheckRoundsRow) =>
      Effect.flatMap(Clock.currentTimeMillis, (at) =>
        sql`INSERT INTO check_rounds ${
          sql.insert({
            ticket_id: ticketId,
            used: rounds.used,
            handled_sha: rounds.handledSha,
            open: rounds.open ? 1 : 0,
            notice: rounds.notice,
            updated_at: at,
          })
        } ON CONFLICT (ticket_id) DO UPDATE SET used = excluded.used, handled_sha = excluded.handled_sha,
          open = excluded.open, notice = excluded.notice, updated_at = excluded.updated_at`.pipe(Effect.orDie))

    /** A round for `headSha` begins: counted and the head marked handled, before the agent runs. */
    const start = Effect.fn("CheckRounds.start")(function* (ticketId: TicketId, headSha: string) {
      const current = yield* get(ticketId)
      yield* write(ticketId, { ...current, used: current.used + 1, handledSha: headSha, open: true })
    })

    /** The round's change is committed (or there was none): a resume no longer finishes it. */
    const close = Effect.fn("CheckRounds.close")(function* (ticketId: TicketId) {
      yield* write(ticketId, { ...(yield* get(ticketId)), open: false })
    })

    /** The give-up comment: `posting` before it is posted, `posted` once the forge has it. */
    const notice = Effect.fn("CheckRounds.notice")(function* (ticketId: TicketId, notice: "posting" | "posted") {
      yield* write(ticketId, { ...(yield* get(ticketId)), notice })
    })

    return { get, start, close, notice } as const
  }),
}) {}
