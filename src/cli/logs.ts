import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { isTerminal } from "../domain/State.ts"
import type { TicketId } from "../domain/TicketId.ts"
import { TicketLog } from "../services/store/TicketLog.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { ticketIdArg } from "./args.ts"
import { StoreLayer } from "./layers.ts"
import { renderLogLines } from "./ui/log_view.ts"

const follow = Options.boolean("follow").pipe(
  Options.withAlias("f"),
  Options.withDescription("keep printing new lines until the ticket reaches MERGED, FAILED or CANCELLED"),
)

/** How often a follower looks for new lines: the store is local, so this is cheap. */
const followInterval = "500 millis"

const printLogs = (id: TicketId, follow: boolean) =>
  Effect.gen(function* () {
    const store = yield* TicketStore
    const log = yield* TicketLog
    yield* store.get(id)
    let seq = 0
    let phase: string | undefined
    // Prints the lines after the last one printed; true once there is nothing more to wait for.
    const printNew = Effect.gen(function* () {
      // Read the state before the lines, so the last lines written before a terminal state are not missed.
      const done = !follow || isTerminal((yield* store.get(id)).state)
      const lines = yield* log.read(id, { afterSeq: seq })
      if (lines.length > 0) {
        const rendered = renderLogLines(lines.map((l) => l.line), phase)
        phase = rendered.lastPhase
        seq = lines[lines.length - 1].seq
        yield* Console.log(rendered.text)
      }
      return done
    })
    yield* printNew.pipe(Effect.repeat({ schedule: Schedule.spaced(followInterval), until: (done) => done }))
  })

export const logsCommand = Command.make(
  "logs",
  { id: ticketIdArg, follow },
  ({ id, follow }) => printLogs(id, follow).pipe(Effect.provide(StoreLayer)),
).pipe(Command.withDescription("Print a ticket's timestamped log, grouped by phase; -f follows a running ticket"))
