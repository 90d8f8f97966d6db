import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import type { TicketId } from "../domain/TicketId.ts"
import { DevvyPaths } from "../services/config/DevvyPaths.ts"
import { TicketBusy, TicketLease } from "../services/store/TicketLease.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { ticketIdArg } from "./args.ts"
import { detachDriver } from "./detach.ts"
import { StoreLayer } from "./layers.ts"

const background = Options.boolean("background").pipe(
  Options.withAlias("d"),
  Options.withDescription("detach: continue in the background and return at once"),
)

/** Hands the ticket to a background driver, unless a live process drives it already. */
export const continueInBackground = (id: TicketId) =>
  Effect.gen(function* () {
    const busy = (yield* (yield* TicketLease).drivers()).get(id)
    if (busy !== undefined) return yield* new TicketBusy({ id, pid: busy.pid, host: busy.host })
    return yield* detachDriver(id, (yield* DevvyPaths).home)
  })

/** Drives the ticket in this process, printing each transition, until it is terminal or interrupted. */
export const driveInForeground = (id: TicketId) =>
  Effect.flatMap(Effect.promise(() => import("./resume_work.ts")), (work) => work.driveInForeground(id))

export const resumeCommand = Command.make(
  "resume",
  { id: ticketIdArg, background },
  ({ id, background }) =>
    Effect.gen(function* () {
      yield* (yield* TicketStore).get(id)
      if (!background) return yield* driveInForeground(id)
      const pid = yield* continueInBackground(id)
      yield* Console.log(`Ticket ${id} continues in the background (pid ${pid}).`)
    }).pipe(Effect.provide(StoreLayer)),
).pipe(
  Command.withDescription(
    "Continue a ticket from its stored state, after Ctrl-C, a crash or a reboot, with nothing lost or repeated",
  ),
)
