import * as Layer from "effect/Layer"
import { AppConfig } from "../services/config/AppConfig.ts"
import { DatabaseLive } from "../services/store/Database.ts"
import { TicketLease } from "../services/store/TicketLease.ts"
import { TicketLog } from "../services/store/TicketLog.ts"
import { TicketStore } from "../services/store/TicketStore.ts"

/** The store's services over the database in DevvyPaths. */
export const StoreServices = Layer.mergeAll(TicketStore.Default, TicketLog.Default, TicketLease.Default).pipe(
  Layer.provideMerge(DatabaseLive),
)

/** What `ps`, `status` and `logs` need: the config checked, and the store. Nothing of Docker or the forge. */
export const StoreLayer = Layer.merge(StoreServices, AppConfig.layer)
