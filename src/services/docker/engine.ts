import { Effect } from "effect"
import type { DockerEngineShape } from "./DockerEngine.ts"

export const makeDockerEngine = (_host: string): Effect.Effect<DockerEngineShape> =>
  Effect.dieMessage("DockerEngine: implementation follows in the next commit")
