import * as Command from "@effect/cli/Command"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import { isTerminal } from "../domain/State.ts"
import type { TicketId } from "../domain/TicketId.ts"
import { hostName } from "../services/store/process_identity.ts"
import { TicketBusy, TicketLease } from "../services/store/TicketLease.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { ticketIdArg } from "./args.ts"
import { StoreLayer } from "./layers.ts"
import { UsageError } from "./usage_error.ts"

/**
 * Asks the driving process to stop (SIGTERM interrupts it, so its own cleanup runs) and waits until its
 * lease is gone, so that it cannot write a state after CANCELLED.
 */
const stopDriver = (id: TicketId) =>
  Effect.gen(function* () {
    const lease = yield* TicketLease
    const driver = Option.fromNullable((yield* lease.drivers()).get(id))
    if (Option.isNone(driver)) return
    if (driver.value.host !== hostName()) {
      return yield* new TicketBusy({ id, pid: driver.value.pid, host: driver.value.host })
    }
    yield* Console.log(`Stopping process ${driver.value.pid}…`)
    yield* Effect.try(() => Deno.kill(driver.value.pid, "SIGTERM")).pipe(Effect.ignore)
    yield* lease.drivers().pipe(
      Effect.repeat({ schedule: Schedule.spaced("200 millis"), until: (drivers) => !drivers.has(id) }),
      Effect.timeout("30 seconds"),
      Effect.catchTag("TimeoutException", () =>
        Effect.try(() => Deno.kill(driver.value.pid, "SIGKILL")).pipe(Effect.ignore)),
    )
  })

export const cancelCommand = Command.make("cancel", { id: ticketIdArg }, ({ id }) =>
  Effect.gen(function* () {
    const ticket = yield* (yield* TicketStore).get(id)
    if (isTerminal(ticket.state)) {
      return yield* new UsageError({
        detail: `ticket ${id} has already ended (${ticket.state}): there is nothing to cancel`,
      })
    }
    yield* stopDriver(id)
    const work = yield* Effect.promise(() => import("./cancel_work.ts"))
    yield* work.cancel(id)
  }).pipe(Effect.provide(StoreLayer))).pipe(
    Command.withDescription("Stop the process driving a ticket, remove its worker and workspace, state CANCELLED"),
  )
