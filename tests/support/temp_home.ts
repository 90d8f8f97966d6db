import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { DevvyPaths } from "../../src/services/config/DevvyPaths.ts"
import { DatabaseLive } from "../../src/services/store/Database.ts"
import { TicketLease } from "../../src/services/store/TicketLease.ts"
import { TicketLog } from "../../src/services/store/TicketLog.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"

/** A fresh DEVVY_HOME in a temporary directory, removed when the test's scope closes. */
export const makeTempDir = (prefix = "devvy-test-") =>
  Effect.acquireRelease(
    Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), prefix))),
    (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })),
  )

/** The real store over the database in `home`, with the paths it lives in. */
export const storeAt = (home: string) =>
  Layer.mergeAll(TicketStore.Default, TicketLog.Default, TicketLease.Default).pipe(
    Layer.provideMerge(DatabaseLive),
    Layer.provideMerge(DevvyPaths.at(home)),
  )

/** The real store over a temporary database, removed when the test ends. */
export const TempStore = Layer.unwrapScoped(Effect.map(makeTempDir(), storeAt))
