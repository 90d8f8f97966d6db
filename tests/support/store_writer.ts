/**
 * A separate process that writes tickets and log lines into the store at DEVVY_HOME, for the test
 * that two processes writing one database at once both succeed.
 */
import { Effect, Layer } from "effect"
import { DevvyPaths } from "../../src/services/config/DevvyPaths.ts"
import { DatabaseLive } from "../../src/services/store/Database.ts"
import { TicketLog } from "../../src/services/store/TicketLog.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"

const [home, count, label] = Deno.args
const program = Effect.gen(function* () {
  const store = yield* TicketStore
  const log = yield* TicketLog
  for (let i = 0; i < Number(count); i++) {
    const ticket = yield* store.create({ title: `${label} ${i}`, description: "", repoUrl: "/tmp/r", model: "m/m" })
    yield* log.append(ticket.id, "RECEIVED", "info", `${label} wrote ${i}`)
    yield* store.transition(ticket.id, "PREPARE_ENV")
  }
})

await Effect.runPromise(program.pipe(
  Effect.provide(
    Layer.mergeAll(TicketStore.Default, TicketLog.Default).pipe(
      Layer.provideMerge(DatabaseLive),
      Layer.provide(DevvyPaths.at(home)),
    ),
  ),
))
