import { SqlClient } from "@effect/sql/SqlClient"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Identity, PullRequestStatus, ReviewComment, ReviewThread } from "../Forge.ts"

const PullRequestRow = Schema.Struct({
  number: Schema.Number,
  repository: Schema.String,
  source_branch: Schema.String,
  target_branch: Schema.String,
  title: Schema.String,
  description: Schema.String,
  status: PullRequestStatus,
  merge_commit: Schema.NullOr(Schema.String),
  created_at: Schema.Number,
})
export type LocalPullRequest = typeof PullRequestRow.Type
const decodePullRequests = Schema.decodeUnknown(Schema.Array(PullRequestRow))

const ThreadRow = Schema.Struct({
  id: Schema.Number,
  status: Schema.String,
  file_path: Schema.NullOr(Schema.String),
  line: Schema.NullOr(Schema.Number),
})
const CommentRow = Schema.Struct({
  thread_id: Schema.Number,
  id: Schema.Number,
  author_id: Schema.String,
  author_name: Schema.String,
  content: Schema.String,
  published_at: Schema.Number,
})
const decodeThreads = Schema.decodeUnknown(Schema.Array(ThreadRow))
const decodeComments = Schema.decodeUnknown(Schema.Array(CommentRow))

export interface NewLocalPullRequest {
  readonly repository: string
  readonly sourceBranch: string
  readonly targetBranch: string
  readonly title: string
  readonly description: string
}

export interface NewThread {
  readonly author: Identity
  readonly content: string
  readonly filePath: Option.Option<string>
  readonly line: Option.Option<number>
}

/** The local forge's records: pull requests, review threads and their comments, in devvy's store. */
export class LocalPullRequests extends Effect.Service<LocalPullRequests>()("devvy/LocalPullRequests", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient
    const rows = <E, R>(query: Effect.Effect<ReadonlyArray<unknown>, E, R>) =>
      query.pipe(Effect.flatMap(decodePullRequests), Effect.orDie)

    const get = Effect.fn("LocalPullRequests.get")(function* (number: number) {
      const found = yield* rows(sql`SELECT * FROM local_pull_requests WHERE number = ${number}`)
      return Option.fromNullable(found[0])
    })

    const findActive = Effect.fn("LocalPullRequests.findActive")(
      function* (repository: string, sourceBranch: string) {
        const found = yield* rows(sql`SELECT * FROM local_pull_requests WHERE repository = ${repository}
          AND source_branch = ${sourceBranch} AND status = 'active'`)
        return Option.fromNullable(found[0])
      },
    )

    /** The newest pull request of a branch, whatever its status: what `devvy review <id>` acts on. */
    const latestForBranch = Effect.fn("LocalPullRequests.latestForBranch")(function* (sourceBranch: string) {
      const found = yield* rows(sql`SELECT * FROM local_pull_requests WHERE source_branch = ${sourceBranch}
        ORDER BY number DESC LIMIT 1`)
      return Option.fromNullable(found[0])
    })

    /** Returns the active pull request of the branch, creating it only if there is none. */
    const create = Effect.fn("LocalPullRequests.create")(function* (input: NewLocalPullRequest) {
      const now = yield* Clock.currentTimeMillis
      return yield* sql.withTransaction(Effect.gen(function* () {
        const existing = yield* findActive(input.repository, input.sourceBranch)
        if (Option.isSome(existing)) return existing.value
        yield* sql`INSERT INTO local_pull_requests ${
          sql.insert({
            repository: input.repository,
            source_branch: input.sourceBranch,
            target_branch: input.targetBranch,
            title: input.title,
            description: input.description,
            status: "active",
            created_at: now,
            updated_at: now,
          })
        }`
        const created = yield* findActive(input.repository, input.sourceBranch)
        return yield* Option.match(created, {
          onSome: Effect.succeed,
          onNone: () => Effect.dieMessage("the pull request just inserted is missing"),
        })
      })).pipe(Effect.catchTag("SqlError", Effect.die))
    })

    const setStatus = Effect.fn("LocalPullRequests.setStatus")(
      function* (number: number, status: PullRequestStatus, mergeCommit?: string) {
        const now = yield* Clock.currentTimeMillis
        yield* sql`UPDATE local_pull_requests SET status = ${status}, merge_commit = ${mergeCommit ?? null},
          updated_at = ${now} WHERE number = ${number}`.pipe(Effect.orDie)
      },
    )

    const threads = Effect.fn("LocalPullRequests.threads")(function* (number: number, ownId: string) {
      const threadRows = yield* sql`SELECT id, status, file_path, line FROM local_review_threads
        WHERE pr_number = ${number} ORDER BY id`.pipe(Effect.flatMap(decodeThreads), Effect.orDie)
      const commentRows = yield* sql`SELECT c.* FROM local_review_comments c
        JOIN local_review_threads t ON t.id = c.thread_id WHERE t.pr_number = ${number}
        ORDER BY c.thread_id, c.id`.pipe(Effect.flatMap(decodeComments), Effect.orDie)
      return threadRows.map((thread) =>
        new ReviewThread({
          id: String(thread.id),
          status: thread.status,
          isSystem: false,
          filePath: Option.fromNullable(thread.file_path),
          line: Option.fromNullable(thread.line),
          comments: commentRows.filter((c) => c.thread_id === thread.id).map((c) =>
            new ReviewComment({
              id: String(c.id),
              author: new Identity({ id: c.author_id, name: c.author_name }),
              content: c.content,
              publishedAt: new Date(c.published_at),
              isOwn: c.author_id === ownId,
            })
          ),
        })
      )
    })

    /** Appends a comment to a thread of the pull request; none when there is no such thread. */
    const addComment = Effect.fn("LocalPullRequests.addComment")(
      function* (number: number, threadId: number, author: Identity, content: string) {
        const now = yield* Clock.currentTimeMillis
        return yield* sql.withTransaction(Effect.gen(function* () {
          const thread = yield* sql`SELECT id FROM local_review_threads WHERE id = ${threadId}
            AND pr_number = ${number}`
          if (thread.length === 0) return Option.none<string>()
          const [next] = yield* sql<{ readonly next: number }>`SELECT COALESCE(MAX(id), 0) + 1 AS next
            FROM local_review_comments WHERE thread_id = ${threadId}`
          yield* sql`INSERT INTO local_review_comments ${
            sql.insert({
              thread_id: threadId,
              id: next.next,
              author_id: author.id,
              author_name: author.name,
              content,
              published_at: now,
            })
          }`
          return Option.some(String(next.next))
        })).pipe(Effect.catchTag("SqlError", Effect.die))
      },
    )

    /** Opens a thread with its first comment; returns the thread's id. */
    const addThread = Effect.fn("LocalPullRequests.addThread")(function* (number: number, input: NewThread) {
      const now = yield* Clock.currentTimeMillis
      return yield* sql.withTransaction(Effect.gen(function* () {
        yield* sql`INSERT INTO local_review_threads ${
          sql.insert({
            pr_number: number,
            status: "active",
            file_path: Option.getOrNull(input.filePath),
            line: Option.getOrNull(input.line),
            created_at: now,
          })
        }`
        const [row] = yield* sql<{ readonly id: number }>`SELECT last_insert_rowid() AS id`
        yield* addComment(number, row.id, input.author, input.content)
        return String(row.id)
      })).pipe(Effect.catchTag("SqlError", Effect.die))
    })

    /** False when the pull request has no such thread. */
    const setThreadStatus = Effect.fn("LocalPullRequests.setThreadStatus")(
      function* (number: number, threadId: number, status: string) {
        const updated = yield* sql`UPDATE local_review_threads SET status = ${status}
          WHERE id = ${threadId} AND pr_number = ${number} RETURNING id`.pipe(Effect.orDie)
        return updated.length > 0
      },
    )

    return { get, findActive, latestForBranch, create, setStatus, threads, addComment, addThread, setThreadStatus }
  }),
}) {}
