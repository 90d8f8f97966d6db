import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Clock, Console, Effect } from "effect"
import { TicketLease } from "../services/store/TicketLease.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { ticketIdArg } from "./args.ts"
import { StoreLayer } from "./layers.ts"
import { renderStatus, statusJson } from "./ui/ticket_view.ts"

const json = Options.boolean("json").pipe(Options.withDescription("print a JSON object instead of text"))

export const statusCommand = Command.make(
  "status",
  { id: ticketIdArg, json },
  ({ id, json }) =>
    Effect.gen(function* () {
      const store = yield* TicketStore
      const ticket = yield* store.get(id)
      const history = yield* store.history(id)
      const drivers = yield* (yield* TicketLease).drivers()
      const now = new Date(yield* Clock.currentTimeMillis)
      yield* Console.log(
        json
          ? JSON.stringify(statusJson(ticket, history, drivers, now), null, 2)
          : renderStatus(ticket, history, drivers, now),
      )
    }).pipe(Effect.provide(StoreLayer)),
).pipe(
  Command.withDescription(
    "Show a ticket: state, branch, pull request, retries, opencode session, timestamps, time per state, error",
  ),
)
