import { Layer } from "effect"
import { AppConfig } from "../services/config/AppConfig.ts"
import { DatabaseLive } from "../services/store/Database.ts"
import { TicketLease } from "../services/store/TicketLease.ts"
import { TicketLog } from "../services/store/TicketLog.ts"
import { TicketStore } from "../services/store/TicketStore.ts"

/** What `ps`, `status` and `logs` need: the config checked, and the store. Nothing of Docker or the forge. */
export const StoreLayer = Layer.mergeAll(TicketStore.Default, TicketLog.Default, TicketLease.Default, AppConfig.layer)
  .pipe(
    Layer.provideMerge(DatabaseLive),
  )
