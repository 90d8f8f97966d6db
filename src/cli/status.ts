import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Clock from "effect/Clock"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { AgentUsage } from "../services/agent/AgentUsage.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { CheckRounds } from "../services/store/CheckRounds.ts"
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
      const details = {
        history: yield* store.history(id),
        drivers: yield* (yield* TicketLease).drivers(),
        usage: yield* (yield* AgentUsage).byPhase(id),
        now: new Date(yield* Clock.currentTimeMillis),
        checkRounds: {
          used: (yield* (yield* CheckRounds).get(id)).used,
          max: (yield* AppConfig).agent.maxCheckFixAttempts,
        },
      }
      yield* Console.log(json ? JSON.stringify(statusJson(ticket, details), null, 2) : renderStatus(ticket, details))
    }).pipe(Effect.provide(Layer.merge(AgentUsage.Default, CheckRounds.Default).pipe(Layer.provideMerge(StoreLayer)))),
).pipe(
  Command.withDescription(
    "Show a ticket: state, branch, pull request, retries, check fix rounds, opencode session, timestamps, " +
      "time per state, agent tokens and cost, error",
  ),
)
