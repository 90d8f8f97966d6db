import * as Command from "@effect/cli/Command"
import { Console, Effect } from "effect"
import * as fs from "node:fs"
import { DevvyPaths, workspaceDir } from "../services/config/DevvyPaths.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { ticketIdArg } from "./args.ts"
import { StoreLayer } from "./layers.ts"

export const cancelCommand = Command.make("cancel", { id: ticketIdArg }, ({ id }) =>
  Effect.gen(function* () {
    const store = yield* TicketStore
    const paths = yield* DevvyPaths
    yield* store.transition(id, "CANCELLED")
    yield* Effect.sync(() => fs.rmSync(workspaceDir(paths, id), { recursive: true, force: true }))
    yield* Console.log(`Ticket ${id} cancelled; its workspace is removed.`)
  }).pipe(Effect.provide(StoreLayer))).pipe(
    Command.withDescription("Stop the process driving a ticket, remove its worker and workspace, state CANCELLED"),
  )
