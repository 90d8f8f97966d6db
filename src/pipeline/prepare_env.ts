import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { Forge } from "../services/forge/Forge.ts"
import { type Cloned, type PrepareInput, Workspace } from "../services/workspace/Workspace.ts"
import { ensureWorker } from "./worker.ts"
import { copyMode } from "./worker_files.ts"

/** The host's checkout, and beside it a new worker filled from the same commit of the clone's history. */
const settleBesideSeed = Effect.fnUntraced(function* (input: PrepareInput, cloned: Cloned) {
  const workspace = yield* Workspace
  const commit = yield* workspace.branchStart(input.id, input.defaultBranch)
  const ready = yield* Deferred.make<void>()
  // The checkout is never cut short by the worker's failure: the clone stays whole for the next attempt.
  const settle = workspace.settle(input, cloned).pipe(
    Effect.onExit((exit) => Exit.isSuccess(exit) ? Deferred.succeed(ready, undefined) : Effect.void),
    Effect.uninterruptible,
  )
  const seed = { commit, hostReady: Deferred.await(ready) }
  const [prepared] = yield* Effect.all([settle, ensureWorker(input.id, seed)], { concurrency: "unbounded" })
  return prepared
})

/**
 * PREPARE_ENV: the clone on `agent/<id>` from the default branch (an earlier clone is kept, with its
 * commits), the `.env` file copied in, and a running worker over it. In copy mode a fresh clone is
 * checked out while the worker gets the same files from its history (worker_seed.ts).
 */
export const prepareEnv = Effect.fn("State.PREPARE_ENV")(function* (ticket: Ticket) {
  const forge = yield* Forge
  const workspace = yield* Workspace
  const repository = yield* forge.repository
  const input = {
    id: ticket.id,
    url: repository.cloneUrl,
    auth: forge.gitAuthHeader,
    defaultBranch: repository.defaultBranch,
  }
  const copy = yield* copyMode
  const cloned = yield* workspace.clone(input, { checkout: !copy })
  const prepared = copy && !cloned.reused
    ? yield* settleBesideSeed(input, cloned)
    : yield* Effect.zipLeft(workspace.settle(input, cloned), ensureWorker(ticket.id))
  yield* Effect.logInfo(
    `${prepared.reused ? "kept the earlier clone" : `cloned ${repository.name}`} on ${prepared.branch} at ` +
      prepared.head.slice(0, 12),
  )
  const next: State = "PLAN"
  return next
})
