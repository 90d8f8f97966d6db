import * as Effect from "effect/Effect"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { Forge } from "../services/forge/Forge.ts"
import { Workspace } from "../services/workspace/Workspace.ts"
import { ensureWorker } from "./worker.ts"

/**
 * PREPARE_ENV: the clone on `agent/<id>` from the default branch (an earlier clone is kept, with its
 * commits), the `.env` file copied in, and a running worker over it.
 */
export const prepareEnv = Effect.fn("State.PREPARE_ENV")(function* (ticket: Ticket) {
  const forge = yield* Forge
  const workspace = yield* Workspace
  const repository = yield* forge.repository
  const prepared = yield* workspace.prepare({
    id: ticket.id,
    url: repository.cloneUrl,
    auth: forge.gitAuthHeader,
    defaultBranch: repository.defaultBranch,
  })
  yield* Effect.logInfo(
    `${prepared.reused ? "kept the earlier clone" : `cloned ${repository.name}`} on ${prepared.branch} at ` +
      prepared.head.slice(0, 12),
  )
  yield* ensureWorker(ticket.id)
  const next: State = "PLAN"
  return next
})
