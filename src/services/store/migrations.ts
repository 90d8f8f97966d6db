import * as Migrator from "@effect/sql/Migrator"
import { SqlClient } from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"

/**
 * The schema, one migration per change, never edited once released: later changes add entries.
 * Times are milliseconds since the epoch.
 */
export const migrations = Migrator.fromRecord({
  "0001_tickets": Effect.gen(function* () {
    const sql = yield* SqlClient
    yield* sql`CREATE TABLE tickets (
      id TEXT PRIMARY KEY NOT NULL,
      title TEXT NOT NULL,
      description TEXT NOT NULL,
      repo_url TEXT NOT NULL,
      model TEXT NOT NULL,
      state TEXT NOT NULL,
      branch TEXT NOT NULL,
      pr_number INTEGER,
      pr_url TEXT,
      opencode_session TEXT,
      retry_count INTEGER NOT NULL DEFAULT 0,
      error TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    )`
    yield* sql`CREATE INDEX tickets_by_state ON tickets (state, created_at)`
    yield* sql`CREATE TABLE state_history (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      from_state TEXT,
      to_state TEXT NOT NULL,
      at INTEGER NOT NULL
    )`
    yield* sql`CREATE INDEX state_history_by_ticket ON state_history (ticket_id, seq)`
    yield* sql`CREATE TABLE logs (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      phase TEXT NOT NULL,
      level TEXT NOT NULL,
      at INTEGER NOT NULL,
      message TEXT NOT NULL
    )`
    yield* sql`CREATE INDEX logs_by_ticket ON logs (ticket_id, seq)`
    yield* sql`CREATE TABLE spans (
      span_id TEXT PRIMARY KEY NOT NULL,
      trace_id TEXT NOT NULL,
      parent_span_id TEXT,
      ticket_id TEXT REFERENCES tickets (id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      start_ns INTEGER NOT NULL,
      end_ns INTEGER,
      status TEXT NOT NULL,
      attributes TEXT NOT NULL
    )`
    yield* sql`CREATE INDEX spans_by_ticket ON spans (ticket_id, start_ns)`
    yield* sql`CREATE TABLE answered_comments (
      ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      thread_id TEXT NOT NULL,
      comment_id TEXT NOT NULL,
      status TEXT NOT NULL,
      reply_id TEXT,
      at INTEGER NOT NULL,
      PRIMARY KEY (ticket_id, thread_id, comment_id)
    )`
    yield* sql`CREATE TABLE agent_usage (
      ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      phase TEXT NOT NULL,
      input_tokens INTEGER NOT NULL DEFAULT 0,
      output_tokens INTEGER NOT NULL DEFAULT 0,
      reasoning_tokens INTEGER NOT NULL DEFAULT 0,
      cache_read_tokens INTEGER NOT NULL DEFAULT 0,
      cache_write_tokens INTEGER NOT NULL DEFAULT 0,
      cost REAL NOT NULL DEFAULT 0,
      PRIMARY KEY (ticket_id, phase)
    )`
  }),
  "0002_ticket_leases": Effect.gen(function* () {
    const sql = yield* SqlClient
    // One row per driven ticket. `process_start` tells a live holder from a later process that was
    // given the same pid; `heartbeat_at` covers hosts where the start time cannot be read.
    yield* sql`CREATE TABLE ticket_leases (
      ticket_id TEXT PRIMARY KEY NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      pid INTEGER NOT NULL,
      host TEXT NOT NULL,
      process_start TEXT NOT NULL,
      acquired_at INTEGER NOT NULL,
      heartbeat_at INTEGER NOT NULL
    )`
  }),
  "0003_local_forge": Effect.gen(function* () {
    const sql = yield* SqlClient
    // The local forge's pull requests (SPEC §6): the pushed branch plus this record. At most one active
    // pull request per branch of a repository, which is what makes creating one idempotent.
    yield* sql`CREATE TABLE local_pull_requests (
      number INTEGER PRIMARY KEY AUTOINCREMENT,
      repository TEXT NOT NULL,
      source_branch TEXT NOT NULL,
      target_branch TEXT NOT NULL,
      title TEXT NOT NULL,
      description TEXT NOT NULL,
      status TEXT NOT NULL,
      merge_commit TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    )`
    yield* sql`CREATE UNIQUE INDEX local_pull_requests_one_active
      ON local_pull_requests (repository, source_branch) WHERE status = 'active'`
    yield* sql`CREATE INDEX local_pull_requests_by_branch ON local_pull_requests (source_branch, number)`
    yield* sql`CREATE TABLE local_review_threads (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      pr_number INTEGER NOT NULL REFERENCES local_pull_requests (number) ON DELETE CASCADE,
      status TEXT NOT NULL,
      file_path TEXT,
      line INTEGER,
      created_at INTEGER NOT NULL
    )`
    yield* sql`CREATE INDEX local_review_threads_by_pr ON local_review_threads (pr_number, id)`
    // Comment ids count from 1 in each thread, as on Azure DevOps.
    yield* sql`CREATE TABLE local_review_comments (
      thread_id INTEGER NOT NULL REFERENCES local_review_threads (id) ON DELETE CASCADE,
      id INTEGER NOT NULL,
      author_id TEXT NOT NULL,
      author_name TEXT NOT NULL,
      content TEXT NOT NULL,
      published_at INTEGER NOT NULL,
      PRIMARY KEY (thread_id, id)
    )`
  }),
  "0004_pending_replies": Effect.gen(function* () {
    const sql = yield* SqlClient
    // A reply is written here before it is posted and removed once the forge has it, so a crash in
    // between is settled by looking for the reply on the forge instead of posting it a second time.
    yield* sql`CREATE TABLE pending_replies (
      ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      thread_id TEXT NOT NULL,
      content TEXT NOT NULL,
      comment_ids TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (ticket_id, thread_id)
    )`
  }),
  "0005_spans_in_microseconds": Effect.gen(function* () {
    const sql = yield* SqlClient
    // Nanoseconds since the epoch pass 2^53, past what SQLite hands back as a JavaScript number.
    yield* sql`DROP TABLE spans`
    yield* sql`CREATE TABLE spans (
      span_id TEXT PRIMARY KEY NOT NULL,
      trace_id TEXT NOT NULL,
      parent_span_id TEXT,
      ticket_id TEXT REFERENCES tickets (id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      start_us INTEGER NOT NULL,
      end_us INTEGER NOT NULL,
      status TEXT NOT NULL,
      attributes TEXT NOT NULL
    )`
    yield* sql`CREATE INDEX spans_by_ticket ON spans (ticket_id, start_us)`
  }),
  "0006_ticket_budgets": Effect.gen(function* () {
    const sql = yield* SqlClient
    // A ticket's own limits, set by `devvy resume --max-cost-usd/--max-tokens` over the configured ones, and
    // why it stopped undriven (its budget), shown by `ps` and `status` until a driver takes it up again.
    // SQLite has no ADD COLUMN IF NOT EXISTS; a store whose record of this migration was lost must still open.
    const present = new Set((yield* sql<{ readonly name: string }>`PRAGMA table_info(tickets)`).map((c) => c.name))
    if (!present.has("max_cost_usd")) yield* sql`ALTER TABLE tickets ADD COLUMN max_cost_usd REAL`
    if (!present.has("max_tokens")) yield* sql`ALTER TABLE tickets ADD COLUMN max_tokens INTEGER`
    if (!present.has("stopped")) yield* sql`ALTER TABLE tickets ADD COLUMN stopped TEXT`
  }),
  "0007_ticket_sources": Effect.gen(function* () {
    const sql = yield* SqlClient
    // SPEC §8: the work item or issue a ticket came from. At most one live ticket per item, enforced
    // here so that two `run`s or two `watch` processes racing cannot both create one.
    // Column by column, only those missing: a store whose record of migrations was lost still opens.
    const present = new Set(
      (yield* sql<{ readonly name: string }>`SELECT name FROM pragma_table_info('tickets')`).map((c) => c.name),
    )
    for (
      const [name, type] of [
        ["source_forge", "TEXT"],
        ["source_id", "TEXT"],
        ["source_url", "TEXT"],
        ["watched", "INTEGER NOT NULL DEFAULT 0"],
      ]
    ) {
      if (!present.has(name)) yield* sql.unsafe(`ALTER TABLE tickets ADD COLUMN ${name} ${type}`)
    }
    yield* sql`CREATE UNIQUE INDEX IF NOT EXISTS tickets_one_live_per_source ON tickets (source_url)
      WHERE source_url IS NOT NULL AND state NOT IN ('MERGED', 'FAILED', 'CANCELLED')`
    yield* sql`CREATE INDEX IF NOT EXISTS tickets_watched ON tickets (watched, created_at) WHERE watched = 1`
    // The item's comments (pull request opened, ticket ended), each written here before it is posted
    // and marked once the forge has it: a crash in between looks on the forge before posting again.
    yield* sql`CREATE TABLE IF NOT EXISTS source_comments (
      ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      kind TEXT NOT NULL,
      content TEXT NOT NULL,
      comment_id TEXT,
      at INTEGER NOT NULL,
      PRIMARY KEY (ticket_id, kind)
    )`
  }),
  "0008_check_rounds": Effect.gen(function* () {
    const sql = yield* SqlClient
    // FIX_CHECKS (SPEC §1): rounds used, the head commit last handled (never handled twice), whether a
    // round is under way (a resume finishes it), and the give-up comment's progress (posted once).
    yield* sql`CREATE TABLE IF NOT EXISTS check_rounds (
      ticket_id TEXT PRIMARY KEY NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      used INTEGER NOT NULL DEFAULT 0,
      handled_sha TEXT,
      open INTEGER NOT NULL DEFAULT 0,
      notice TEXT,
      updated_at INTEGER NOT NULL
    )`
  }),
})
