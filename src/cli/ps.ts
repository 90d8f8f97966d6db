import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { TicketLease } from "../services/store/TicketLease.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { StoreLayer } from "./layers.ts"
import { psJson, renderPs } from "./ui/ticket_view.ts"

const all = Options.boolean("all").pipe(
  Options.withAlias("a"),
  Options.withDescription("include MERGED, FAILED and CANCELLED tickets"),
)
const json = Options.boolean("json").pipe(Options.withDescription("print a JSON array instead of a table"))

export const psCommand = Command.make("ps", { all, json }, (options) =>
  Effect.gen(function* () {
    const store = yield* TicketStore
    const tickets = yield* store.list({ all: options.all })
    const drivers = yield* (yield* TicketLease).drivers()
    if (options.json) return yield* Console.log(JSON.stringify(tickets.map((t) => psJson(t, drivers)), null, 2))
    yield* Console.log(
      tickets.length === 0 && !options.all
        ? "No live tickets. `devvy ps --all` shows finished ones; `devvy run` starts one."
        : renderPs(tickets, drivers),
    )
  }).pipe(Effect.provide(StoreLayer))).pipe(
    Command.withDescription("List tickets: ID, TITLE, STATE, PROCESS, BRANCH, PR"),
  )
