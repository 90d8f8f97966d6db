import * as Migrator from "@effect/sql/Migrator"
import type { SqlClient } from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as fs from "node:fs"
import { DevvyPaths } from "../config/DevvyPaths.ts"
import { migrations } from "./migrations.ts"
import * as SqliteClient from "./SqliteClient.ts"

const migrate = Migrator.make({})({ loader: migrations })

/**
 * The SQLite store at $DEVVY_HOME/devvy.db, migrated before first use. Migrations run inside
 * `BEGIN IMMEDIATE`, so two processes opening a new database at once take turns instead of racing.
 */
export const DatabaseLive: Layer.Layer<SqlClient, never, DevvyPaths> = Layer.unwrapEffect(
  Effect.gen(function* () {
    const paths = yield* DevvyPaths
    yield* Effect.sync(() => fs.mkdirSync(paths.home, { recursive: true, mode: 0o700 }))
    return Layer.effectDiscard(migrate).pipe(
      Layer.provideMerge(SqliteClient.layer({ filename: paths.database })),
    )
  }),
).pipe(Layer.orDie)
