import * as Layer from "effect/Layer"
import { AppConfig } from "../services/config/AppConfig.ts"
import { StoreServices } from "../services/store/StoreServices.ts"

/**
 * What every command that reads tickets needs: the config checked, and the store. Nothing of Docker or
 * the forge: the commands that drive tickets add the pipeline over it when they run.
 */
export const StoreLayer = Layer.merge(StoreServices, AppConfig.layer)
