import { SqlClient } from "@effect/sql/SqlClient"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { State } from "../../domain/State.ts"
import { LogLine } from "../../domain/Ticket.ts"
import { TicketId } from "../../domain/TicketId.ts"

const Level = Schema.Literal("debug", "info", "warn", "error")
export type Level = typeof Level.Type

/** A line as it is written: the ticket and phase it belongs to, when (epoch ms), what. */
export interface NewLogLine {
  readonly ticketId: TicketId
  readonly phase: State
  readonly level: Level
  readonly at: number
  readonly message: string
}

const LogRow = Schema.Struct({
  seq: Schema.Number,
  ticket_id: TicketId,
  phase: State,
  level: Level,
  at: Schema.Number,
  message: Schema.String,
})
const decodeRows = Schema.decodeUnknown(Schema.Array(LogRow))

/** A log line with its position, so a follower can ask for what came after it. */
export interface StoredLogLine {
  readonly seq: number
  readonly line: LogLine
}

/** A ticket's timestamped log, written as it happens so that `logs -f` in another process sees it. */
export class TicketLog extends Effect.Service<TicketLog>()("devvy/TicketLog", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient

    const append = Effect.fnUntraced(function* (id: TicketId, phase: State, level: Level, message: string) {
      const at = yield* Clock.currentTimeMillis
      yield* sql`INSERT INTO logs ${sql.insert({ ticket_id: id, phase, level, at, message })}`.pipe(Effect.orDie)
    })

    /** Many lines in one transaction, in order: what the ticket logger writes each time it flushes. */
    const appendAll = (lines: ReadonlyArray<NewLogLine>) =>
      lines.length === 0
        ? Effect.void
        : sql.withTransaction(Effect.forEach(lines, (line) =>
          sql`INSERT INTO logs ${
            sql.insert({
              ticket_id: line.ticketId,
              phase: line.phase,
              level: line.level,
              at: line.at,
              message: line.message,
            })
          }`, { discard: true })).pipe(Effect.orDie)

    /** Lines after `afterSeq` (all of them from 0), oldest first. */
    const read = Effect.fn("TicketLog.read")(function* (id: TicketId, options?: { readonly afterSeq?: number }) {
      const rows = yield* sql`SELECT seq, ticket_id, phase, level, at, message FROM logs
                              WHERE ticket_id = ${id} AND seq > ${options?.afterSeq ?? 0} ORDER BY seq`.pipe(
        Effect.flatMap(decodeRows),
        Effect.orDie,
      )
      return rows.map((row): StoredLogLine => ({
        seq: row.seq,
        line: new LogLine({
          ticketId: row.ticket_id,
          phase: row.phase,
          level: row.level,
          at: new Date(row.at),
          message: row.message,
        }),
      }))
    })

    return { append, appendAll, read } as const
  }),
}) {}
