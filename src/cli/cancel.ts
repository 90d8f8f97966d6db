import * as Command from "@effect/cli/Command"
import { Console, Effect, Option, Schedule } from "effect"
import * as fs from "node:fs"
import type { TicketId } from "../domain/TicketId.ts"
import { DevvyPaths, workspaceDir } from "../services/config/DevvyPaths.ts"
import { hostName } from "../services/store/process_identity.ts"
import { TicketBusy, TicketLease } from "../services/store/TicketLease.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { ticketIdArg } from "./args.ts"
import { StoreLayer } from "./layers.ts"

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
    const store = yield* TicketStore
    const paths = yield* DevvyPaths
    yield* store.get(id)
    yield* stopDriver(id)
    yield* store.transition(id, "CANCELLED")
    yield* Effect.sync(() => fs.rmSync(workspaceDir(paths, id), { recursive: true, force: true }))
    yield* Console.log(`Ticket ${id} cancelled; its workspace is removed.`)
  }).pipe(Effect.provide(StoreLayer))).pipe(
    Command.withDescription("Stop the process driving a ticket, remove its worker and workspace, state CANCELLED"),
  )
