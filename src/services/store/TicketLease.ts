import { SqlClient } from "@effect/sql/SqlClient"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type { TicketId } from "../../domain/TicketId.ts"
import { holderAlive, ownIdentity } from "./process_identity.ts"

const heartbeatEvery = Duration.seconds(5)
/** A holder silent for this long is taken for dead where its pid cannot be checked. */
const staleAfter = Duration.seconds(30)

const LeaseRow = Schema.Struct({
  ticket_id: Schema.String,
  pid: Schema.Number,
  host: Schema.String,
  process_start: Schema.String,
  heartbeat_at: Schema.Number,
})
const decodeRows = Schema.decodeUnknown(Schema.Array(LeaseRow))

/** Another live process drives the ticket. */
export class TicketBusy extends Schema.TaggedError<TicketBusy>()("TicketBusy", {
  id: Schema.String,
  pid: Schema.Number,
  host: Schema.String,
}) {
  override get message(): string {
    return `ticket ${this.id} is being driven by process ${this.pid} on ${this.host}: ` +
      `wait for it, or \`devvy cancel ${this.id}\``
  }
}

export interface Driver {
  readonly pid: number
  readonly host: string
}

/**
 * At most one process drives a ticket: it holds a lease with a heartbeat for as long as its scope is
 * open. A dead holder (gone pid, reused pid, or a silent heartbeat) is no holder.
 */
export class TicketLease extends Effect.Service<TicketLease>()("devvy/TicketLease", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient

    const liveHolder = (rows: ReadonlyArray<typeof LeaseRow.Type>, now: number) =>
      Option.fromNullable(rows[0]).pipe(Option.filter((row) =>
        holderAlive(
          { pid: row.pid, host: row.host, processStart: row.process_start },
          now - row.heartbeat_at < Duration.toMillis(staleAfter),
        )
      ))

    /** The live process driving each of the given tickets. */
    const drivers = Effect.fn("TicketLease.drivers")(function* () {
      const rows = yield* sql`SELECT ticket_id, pid, host, process_start, heartbeat_at FROM ticket_leases`.pipe(
        Effect.flatMap(decodeRows),
        Effect.orDie,
      )
      const now = yield* Clock.currentTimeMillis
      const live = new Map<string, Driver>()
      for (const row of rows) {
        if (Option.isSome(liveHolder([row], now))) live.set(row.ticket_id, { pid: row.pid, host: row.host })
      }
      return live
    })

    const take = (id: TicketId) =>
      sql.withTransaction(Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const rows = yield* sql`SELECT ticket_id, pid, host, process_start, heartbeat_at FROM ticket_leases
                                WHERE ticket_id = ${id}`.pipe(Effect.flatMap(decodeRows), Effect.orDie)
        const me = ownIdentity()
        const holder = liveHolder(rows, now)
        if (Option.isSome(holder) && holder.value.pid !== me.pid) {
          return yield* new TicketBusy({ id, pid: holder.value.pid, host: holder.value.host })
        }
        yield* sql`INSERT OR REPLACE INTO ticket_leases ${
          sql.insert({
            ticket_id: id,
            pid: me.pid,
            host: me.host,
            process_start: me.processStart,
            acquired_at: now,
            heartbeat_at: now,
          })
        }`
      })).pipe(Effect.catchTag("SqlError", Effect.die))

    const beat = (id: TicketId) =>
      Effect.flatMap(
        Clock.currentTimeMillis,
        (now) => sql`UPDATE ticket_leases SET heartbeat_at = ${now} WHERE ticket_id = ${id} AND pid = ${Deno.pid}`,
      ).pipe(Effect.orDie)

    const release = (id: TicketId) =>
      sql`DELETE FROM ticket_leases WHERE ticket_id = ${id} AND pid = ${Deno.pid}`.pipe(Effect.orDie)

    /** Holds the ticket's lease, with a heartbeat, until the scope closes; fails if another process holds it. */
    const hold = Effect.fn("TicketLease.hold")(function* (id: TicketId) {
      yield* Effect.acquireRelease(take(id), () => release(id))
      yield* beat(id).pipe(Effect.repeat(Schedule.spaced(heartbeatEvery)), Effect.forkScoped)
    })

    return { hold, drivers } as const
  }),
}) {}
