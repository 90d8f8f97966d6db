import * as Effect from "effect/Effect"
import { makeCredentials } from "./credentials.ts"

/**
 * opencode's credentials and state for a ticket's worker: the binds and environment PREPARE_ENV gives the
 * worker, and the copy-in / merge-back of OAuth tokens around each agent run (see credentials.ts for why).
 */
export class AgentCredentials extends Effect.Service<AgentCredentials>()("devvy/AgentCredentials", {
  effect: makeCredentials,
}) {}
