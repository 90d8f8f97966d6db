/**
 * An @effect/sql driver over Deno's built-in `node:sqlite`, modelled on @effect/sql-sqlite-node
 * (whose better-sqlite3 is a NAN addon that Deno refuses to load).
 */
import * as Reactivity from "@effect/experimental/Reactivity"
import * as Client from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as Statement from "@effect/sql/Statement"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Scope from "effect/Scope"
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite"

export interface SqliteClientConfig {
  readonly filename: string
  /** How long a writer waits for another process's lock before failing (SQLite's busy_timeout). */
  readonly busyTimeoutMillis?: number
}

/** node:sqlite binds only null, numbers, bigints, strings and bytes. */
const bindable = (value: unknown): SQLInputValue => {
  if (value === undefined || value === null) return null
  if (typeof value === "boolean") return value ? 1 : 0
  if (value instanceof Date) return value.getTime()
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "string") return value
  if (value instanceof Uint8Array) return value
  return JSON.stringify(value)
}

/** SQLite's own words go into the message: "database is locked" is what a user needs to see. */
const fail = (message: string) => (cause: unknown) =>
  new SqlError({ cause, message: `${message}: ${cause instanceof Error ? cause.message : String(cause)}` })

/** SQLITE_BUSY, which node:sqlite reports by its message alone. */
const isBusy = (error: SqlError): boolean =>
  error.cause instanceof Error && error.cause.message.includes("database is locked")

export const make = (config: SqliteClientConfig) =>
  Effect.gen(function* () {
    const db = yield* Effect.acquireRelease(
      Effect.try({
        try: () => new DatabaseSync(config.filename, { timeout: config.busyTimeoutMillis ?? 10_000 }),
        catch: fail(`cannot open the database ${config.filename}`),
      }),
      (db) => Effect.sync(() => db.close()),
    )
    yield* Effect.try({
      try: () => db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON"),
      catch: fail("cannot set up the database"),
    }).pipe(
      // Two processes switching a new database to WAL at the same moment deadlock on the lock upgrade, and
      // SQLite fails one of them at once instead of waiting out busy_timeout: that one tries again.
      Effect.retry({
        while: isBusy,
        schedule: Schedule.exponential("10 millis").pipe(
          Schedule.jittered,
          Schedule.upTo("10 seconds"),
        ),
      }),
    )

    const statements = new Map<string, StatementSync>()
    const prepare = (sql: string) =>
      Effect.try({
        try: () => {
          let statement = statements.get(sql)
          if (statement === undefined) {
            statement = db.prepare(sql)
            statements.set(sql, statement)
          }
          return statement
        },
        catch: fail("Failed to prepare statement"),
      })

    const run = (statement: StatementSync, params: ReadonlyArray<unknown>, raw: boolean) =>
      Effect.try({
        try: (): ReadonlyArray<unknown> => {
          const values = params.map(bindable)
          if (statement.columns().length > 0) return statement.all(...values)
          const result = statement.run(...values)
          return raw ? [result] : []
        },
        catch: fail("Failed to execute statement"),
      })

    const connection: Connection = {
      execute: (sql, params, transformRows) =>
        Effect.flatMap(prepare(sql), (s) => run(s, params, false)).pipe(
          Effect.map((rows) => (transformRows ? transformRows(rows as ReadonlyArray<object>) : rows)),
        ),
      executeRaw: (sql, params) => Effect.flatMap(prepare(sql), (s) => run(s, params, true)),
      executeValues: (sql, params) =>
        Effect.flatMap(prepare(sql), (statement) =>
          Effect.try({
            try: () => statement.all(...params.map(bindable)).map((row) => Object.values(row)),
            catch: fail("Failed to execute statement"),
          })),
      executeUnprepared: (sql, params, transformRows) =>
        Effect.try({ try: () => db.prepare(sql), catch: fail("Failed to prepare statement") }).pipe(
          Effect.flatMap((s) => run(s, params ?? [], false)),
          Effect.map((rows) => (transformRows ? transformRows(rows as ReadonlyArray<object>) : rows)),
        ),
      executeStream: () => Effect.dieMessage("executeStream is not supported by the node:sqlite driver"),
    }

    // One connection, so statements and transactions take turns; other processes are kept in order by
    // SQLite's own locks, which `BEGIN IMMEDIATE` takes up front so that two writers never deadlock.
    const semaphore = yield* Effect.makeSemaphore(1)
    const acquirer = semaphore.withPermits(1)(Effect.succeed(connection))
    const transactionAcquirer = Effect.uninterruptibleMask((restore) =>
      Effect.as(
        Effect.zipRight(
          restore(semaphore.take(1)),
          Effect.tap(Effect.scope, (scope) => Scope.addFinalizer(scope, semaphore.release(1))),
        ),
        connection,
      )
    )

    return yield* Client.make({
      acquirer,
      transactionAcquirer,
      compiler: Statement.makeCompilerSqlite(),
      spanAttributes: [["db.system.name", "sqlite"]],
      beginTransaction: "BEGIN IMMEDIATE",
    })
  })

export const layer = (config: SqliteClientConfig): Layer.Layer<Client.SqlClient, SqlError> =>
  Layer.scoped(Client.SqlClient, make(config)).pipe(Layer.provide(Reactivity.layer))
