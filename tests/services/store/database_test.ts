import assert from "node:assert/strict"
import { Effect } from "effect"
import { SqlClient } from "@effect/sql/SqlClient"
import { DatabaseSync } from "node:sqlite"
import * as path from "node:path"
import * as SqliteClient from "../../../src/services/store/SqliteClient.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { it } from "../../support/effect_test.ts"
import { makeTempDir, storeAt } from "../../support/temp_home.ts"

const openStore = (home: string) =>
  Effect.flatMap(TicketStore, (store) => store.list({ all: true })).pipe(Effect.provide(storeAt(home)))

const migrationIds = (home: string): Array<number> => {
  const db = new DatabaseSync(path.join(home, "devvy.db"))
  try {
    return db.prepare("SELECT migration_id FROM effect_sql_migrations ORDER BY migration_id").all()
      .map((row) => Number(row.migration_id))
  } finally {
    db.close()
  }
}

it.live(
  "a store one migration behind is brought up to date when it is opened",
  () =>
    Effect.gen(function* () {
      const home = yield* makeTempDir()
      yield* openStore(home)
      const all = migrationIds(home)
      const db = new DatabaseSync(path.join(home, "devvy.db"))
      db.prepare("DELETE FROM effect_sql_migrations WHERE migration_id = ?").run(all.at(-1) ?? 0)
      db.close()
      assert.deepEqual(migrationIds(home), all.slice(0, -1))
      yield* openStore(home)
      assert.deepEqual(migrationIds(home), all)
    }),
)

it.live(
  "an up-to-date store opens and answers while another process holds its write lock",
  () =>
    Effect.gen(function* () {
      // What `ps` meets while a driver is in the middle of a write: it must not wait for the lock.
      const home = yield* makeTempDir()
      yield* openStore(home)
      const writer = new DatabaseSync(path.join(home, "devvy.db"))
      writer.exec("BEGIN IMMEDIATE")
      try {
        const tickets = yield* openStore(home)
        assert.deepEqual(tickets, [])
      } finally {
        writer.exec("ROLLBACK")
        writer.close()
      }
    }),
)

it.live(
  "a database whose lock SQLite refuses at once while it is first set up is opened once the lock is free",
  () =>
    Effect.gen(function* () {
      // As when two processes switch a new database to WAL together: SQLite fails one of them at once,
      // without waiting out the busy timeout (here none at all).
      const home = yield* makeTempDir()
      const filename = path.join(home, "devvy.db")
      const holder = new DatabaseSync(filename)
      holder.exec("BEGIN EXCLUSIVE")
      setTimeout(() => {
        holder.exec("COMMIT")
        holder.close()
      }, 200)
      const rows = yield* Effect.flatMap(SqlClient, (sql) => sql`PRAGMA journal_mode`).pipe(
        Effect.provide(SqliteClient.layer({ filename, busyTimeoutMillis: 0 })),
      )
      assert.deepEqual(rows.map((row) => row.journal_mode), ["wal"])
    }),
)
