import { SqlClient } from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { canTransition, IllegalTransition, liveStates, State } from "../../domain/State.ts"
import { NewTicket, StateChange, Ticket, TicketSource, type TicketSummary } from "../../domain/Ticket.ts"
import { branchName, randomTicketId, TicketId } from "../../domain/TicketId.ts"
import { TicketForSourceExists, TicketNotFound } from "./StoreError.ts"

const TicketRow = Schema.Struct({
  id: TicketId,
  title: Schema.String,
  description: Schema.String,
  repo_url: Schema.String,
  model: Schema.String,
  state: State,
  branch: Schema.String,
  pr_number: Schema.NullOr(Schema.Number),
  pr_url: Schema.NullOr(Schema.String),
  opencode_session: Schema.NullOr(Schema.String),
  retry_count: Schema.Number,
  error: Schema.NullOr(Schema.String),
  source_forge: Schema.NullOr(TicketSource.fields.forge),
  source_id: Schema.NullOr(Schema.String),
  source_url: Schema.NullOr(Schema.String),
  created_at: Schema.Number,
  updated_at: Schema.Number,
  max_cost_usd: Schema.NullOr(Schema.Number),
  max_tokens: Schema.NullOr(Schema.Number),
  stopped: Schema.NullOr(Schema.String),
})
const decodeTickets = Schema.decodeUnknown(Schema.Array(TicketRow))

// A listing decodes every row it reads, at start-up before the JIT has warmed up: each column left out
// is time `ps` does not spend, and a description can be long.
const SummaryRow = TicketRow.pick(
  "id",
  "title",
  "state",
  "branch",
  "pr_number",
  "pr_url",
  "source_forge",
  "source_id",
  "source_url",
  "created_at",
  "updated_at",
  "stopped",
)

const sourceOf = (row: typeof SummaryRow.Type): TicketSource | null =>
  row.source_forge === null || row.source_id === null || row.source_url === null
    ? null
    : { forge: row.source_forge, id: row.source_id, url: row.source_url }
const decodeSummaries = Schema.decodeUnknown(Schema.Array(SummaryRow))

const toSummary = (row: typeof SummaryRow.Type): TicketSummary => ({
  id: row.id,
  title: row.title,
  state: row.state,
  branch: row.branch,
  prNumber: row.pr_number,
  prUrl: row.pr_url,
  source: sourceOf(row),
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
  stopped: row.stopped,
})

const toTicket = (row: typeof TicketRow.Type): Ticket =>
  new Ticket({
    id: row.id,
    title: row.title,
    description: row.description,
    repoUrl: row.repo_url,
    model: row.model,
    state: row.state,
    branch: row.branch,
    prNumber: row.pr_number,
    prUrl: row.pr_url,
    opencodeSession: row.opencode_session,
    retryCount: row.retry_count,
    error: row.error,
    source: sourceOf(row),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    maxCostUsd: row.max_cost_usd,
    maxTokens: row.max_tokens,
    stopped: row.stopped,
  })

const HistoryRow = Schema.Struct({
  ticket_id: TicketId,
  from_state: Schema.NullOr(State),
  to_state: State,
  at: Schema.Number,
})
const decodeHistory = Schema.decodeUnknown(Schema.Array(HistoryRow))

/** The fields a state may record about a ticket besides its state. */
export interface TicketPatch {
  readonly prNumber?: number
  readonly prUrl?: string
  readonly opencodeSession?: string
  readonly retryCount?: number
}

const columns = {
  prNumber: "pr_number",
  prUrl: "pr_url",
  opencodeSession: "opencode_session",
  retryCount: "retry_count",
} as const satisfies Record<keyof TicketPatch, string>

/** Tickets and their state history. Every transition is written, with its history row, in one transaction. */
export class TicketStore extends Effect.Service<TicketStore>()("devvy/TicketStore", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient

    const find = (id: TicketId) =>
      sql`SELECT * FROM tickets WHERE id = ${id}`.pipe(
        Effect.flatMap(decodeTickets),
        Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toTicket)),
        Effect.orDie,
      )

    const get = Effect.fn("TicketStore.get")(function* (id: TicketId) {
      return yield* Option.match(yield* find(id), {
        onNone: () => Effect.fail(new TicketNotFound({ id })),
        onSome: Effect.succeed,
      })
    })

    /** The live ticket made from this work item or issue, if there is one. */
    const liveFor = (sourceUrl: string) =>
      sql`SELECT id FROM tickets WHERE source_url = ${sourceUrl} AND state IN ${sql.in(liveStates)}`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ id: TicketId })))),
        Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), (row) => row.id)),
        Effect.orDie,
      )

    /**
     * Stores a new ticket in RECEIVED. One from a work item or issue that already has a live ticket fails
     * with TicketForSourceExists: the unique index decides, so racing processes cannot both create one.
     */
    const create = Effect.fn("TicketStore.create")(function* (input: NewTicket) {
      const now = yield* Clock.currentTimeMillis
      const source = input.source
      const insert = (id: TicketId) =>
        sql.withTransaction(Effect.gen(function* () {
          yield* sql`INSERT INTO tickets ${
            sql.insert({
              id,
              title: input.title,
              description: input.description,
              repo_url: input.repoUrl,
              model: input.model,
              state: "RECEIVED",
              branch: branchName(id),
              retry_count: 0,
              source_forge: source?.forge ?? null,
              source_id: source?.id ?? null,
              source_url: source?.url ?? null,
              watched: input.watched === true ? 1 : 0,
              created_at: now,
              updated_at: now,
            })
          }`
          yield* sql`INSERT INTO state_history ${sql.insert({ ticket_id: id, to_state: "RECEIVED", at: now })}`
          return id
        }))
      // Three random bytes collide rarely; a collision is retried with a fresh id rather than surfaced.
      const id = yield* Effect.suspend(() => insert(randomTicketId())).pipe(
        Effect.catchTag("SqlError", (error) =>
          Effect.flatMap(
            source === undefined ? Effect.succeed(Option.none<TicketId>()) : liveFor(source.url),
            Option.match({
              onNone: (): Effect.Effect<never, SqlError | TicketForSourceExists> => Effect.fail(error),
              onSome: (existing) => Effect.fail(new TicketForSourceExists({ url: source?.url ?? "", existing })),
            }),
          )),
        Effect.retry({ times: 5, while: (error) => error._tag === "SqlError" }),
        Effect.catchTag("SqlError", Effect.die),
      )
      return yield* get(id).pipe(Effect.orDie)
    })

    /** Those of the given work item or issue URLs some ticket, live or ended, was made from. */
    const knownSources = Effect.fn("TicketStore.knownSources")(function* (urls: ReadonlyArray<string>) {
      if (urls.length === 0) return new Set<string>()
      const rows = yield* sql`SELECT DISTINCT source_url FROM tickets WHERE source_url IN ${sql.in(urls)}`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ source_url: Schema.String })))),
        Effect.orDie,
      )
      return new Set(rows.map((row) => row.source_url))
    })

    /** Live tickets `watch` created, oldest first: what a restarted `watch` picks up again. */
    const watched = Effect.fn("TicketStore.watched")(function* () {
      return yield* sql`SELECT id FROM tickets WHERE watched = 1 AND state IN ${sql.in(liveStates)}
                        ORDER BY created_at, rowid`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Array(Schema.Struct({ id: TicketId })))),
        Effect.map((rows) => rows.map((row) => row.id)),
        Effect.orDie,
      )
    })

    const list = Effect.fn("TicketStore.list")(function* (options: { readonly all: boolean }) {
      const columns = sql.literal(
        "id, title, state, branch, pr_number, pr_url, source_forge, source_id, source_url, created_at, updated_at, " +
          "stopped",
      )
      const rows = yield* (options.all
        ? sql`SELECT ${columns} FROM tickets ORDER BY created_at DESC, id`
        // Naming the live states, not excluding the ended ones, lets SQLite read them from tickets_by_state.
        : sql`SELECT ${columns} FROM tickets WHERE state IN ${sql.in(liveStates)} ORDER BY created_at DESC, id`).pipe(
          Effect.flatMap(decodeSummaries),
          Effect.orDie,
        )
      return rows.map(toSummary)
    })

    /** Moves a ticket to its next state; `error` is recorded when the move is to FAILED. */
    const transition = Effect.fn("TicketStore.transition")(
      function* (id: TicketId, to: State, options?: { readonly error?: string }) {
        return yield* sql.withTransaction(Effect.gen(function* () {
          const ticket = yield* get(id)
          if (!canTransition(ticket.state, to)) {
            return yield* new IllegalTransition({ from: ticket.state, to })
          }
          const now = yield* Clock.currentTimeMillis
          const error = to === "FAILED" ? options?.error ?? "failed" : null
          yield* sql`UPDATE tickets SET state = ${to}, error = ${error}, stopped = NULL, updated_at = ${now}
                     WHERE id = ${id}`
          yield* sql`INSERT INTO state_history ${
            sql.insert({ ticket_id: id, from_state: ticket.state, to_state: to, at: now })
          }`
          return new Ticket({ ...ticket, state: to, error, stopped: null, updatedAt: new Date(now) })
        })).pipe(Effect.catchTag("SqlError", Effect.die))
      },
    )

    const update = Effect.fn("TicketStore.update")(function* (id: TicketId, patch: TicketPatch) {
      const now = yield* Clock.currentTimeMillis
      const values: Record<string, unknown> = { updated_at: now }
      for (const [field, column] of Object.entries(columns)) {
        const value = patch[field as keyof TicketPatch]
        if (value !== undefined) values[column] = value
      }
      yield* get(id)
      yield* sql`UPDATE tickets SET ${sql.update(values)} WHERE id = ${id}`.pipe(Effect.orDie)
      return yield* get(id)
    })

    const history = Effect.fn("TicketStore.history")(function* (id: TicketId) {
      const rows = yield* sql`SELECT ticket_id, from_state, to_state, at FROM state_history
                              WHERE ticket_id = ${id} ORDER BY seq`.pipe(Effect.flatMap(decodeHistory), Effect.orDie)
      return rows.map((row) =>
        new StateChange({ ticketId: row.ticket_id, from: row.from_state, to: row.to_state, at: new Date(row.at) })
      )
    })

    /** Raises (or sets) this ticket's own budget; a limit left out stays as it was. */
    const setBudget = Effect.fn("TicketStore.setBudget")(
      function* (id: TicketId, limits: { readonly maxCostUsd?: number; readonly maxTokens?: number }) {
        yield* get(id)
        const values: Record<string, unknown> = {}
        if (limits.maxCostUsd !== undefined) values.max_cost_usd = limits.maxCostUsd
        if (limits.maxTokens !== undefined) values.max_tokens = limits.maxTokens
        if (Object.keys(values).length > 0) {
          yield* sql`UPDATE tickets SET ${sql.update(values)} WHERE id = ${id}`.pipe(Effect.orDie)
        }
        return yield* get(id)
      },
    )

    /** Records why the ticket stopped undriven in its state, or (null) that it may go on. */
    const setStopped = Effect.fn("TicketStore.setStopped")(function* (id: TicketId, reason: string | null) {
      yield* sql`UPDATE tickets SET stopped = ${reason} WHERE id = ${id}`.pipe(Effect.orDie)
    })

    return {
      get,
      find,
      create,
      liveFor,
      knownSources,
      watched,
      list,
      transition,
      update,
      history,
      setBudget,
      setStopped,
    } as const
  }),
}) {}
