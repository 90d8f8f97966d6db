import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import { TicketStore } from "../services/store/TicketStore.ts"
import { driveTicket } from "../pipeline/runner.ts"
import { ticketIdArg } from "./args.ts"
import { StoreLayer } from "./layers.ts"
import { NotBuiltYet } from "./not_built.ts"
import { printTransition } from "./ui/progress.ts"

const background = Options.boolean("background").pipe(
  Options.withAlias("d"),
  Options.withDescription("detach: continue in the background and return at once"),
)

export const resumeCommand = Command.make(
  "resume",
  { id: ticketIdArg, background },
  ({ id, background }) =>
    Effect.gen(function* () {
      if (background) return yield* new NotBuiltYet({ what: "resuming a ticket in the background (-d)" })
      yield* (yield* TicketStore).get(id)
      yield* driveTicket(id, printTransition)
    }).pipe(Effect.provide(StoreLayer)),
).pipe(
  Command.withDescription(
    "Continue a ticket from its stored state, after Ctrl-C, a crash or a reboot, with nothing lost or repeated",
  ),
)
