import * as Migrator from "@effect/sql/Migrator"
import { SqlClient } from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as fs from "node:fs"
import { DevvyPaths } from "../config/DevvyPaths.ts"
import { migrations } from "./migrations.ts"
import * as SqliteClient from "./SqliteClient.ts"

const migrate = Migrator.make({})({ loader: migrations })

const Latest = Schema.Tuple(Schema.Struct({ latest: Schema.NullOr(Schema.Number) }))

/**
 * Whether the store already has every migration, read without a lock: then opening it takes no write
 * transaction, so `ps` never waits behind a driver's write. Anything unexpected (a new file, no table
 * yet) means "migrate", and the Migrator decides under its lock.
 */
const upToDate = Effect.gen(function* () {
  const sql = yield* SqlClient
  const known = yield* migrations
  const [{ latest }] = yield* sql`SELECT MAX(migration_id) AS latest FROM effect_sql_migrations`.pipe(
    Effect.flatMap(Schema.decodeUnknown(Latest)),
  )
  return latest !== null && latest === Math.max(...known.map(([id]) => id))
}).pipe(Effect.orElseSucceed(() => false))

/**
 * The SQLite store at $DEVVY_HOME/devvy.db, migrated before first use. Migrations run inside
 * `BEGIN IMMEDIATE`, so two processes opening a new database at once take turns instead of racing.
 */
export const DatabaseLive: Layer.Layer<SqlClient, never, DevvyPaths> = Layer.unwrapEffect(
  Effect.gen(function* () {
    const paths = yield* DevvyPaths
    yield* Effect.sync(() => fs.mkdirSync(paths.home, { recursive: true, mode: 0o700 }))
    return Layer.effectDiscard(Effect.unlessEffect(migrate, upToDate)).pipe(
      Layer.provideMerge(SqliteClient.layer({ filename: paths.database })),
    )
  }),
).pipe(Layer.orDie)
