import * as Layer from "effect/Layer"
import { DatabaseLive } from "./Database.ts"
import { TicketLease } from "./TicketLease.ts"
import { TicketLog } from "./TicketLog.ts"
import { TicketStore } from "./TicketStore.ts"

/**
 * The store's services over the database in DevvyPaths. Built once per command: the pipeline requires
 * these rather than building its own, so a command that reads the store and then drives a ticket opens
 * SQLite once.
 */
export const StoreServices = Layer.mergeAll(TicketStore.Default, TicketLog.Default, TicketLease.Default).pipe(
  Layer.provideMerge(DatabaseLive),
)
