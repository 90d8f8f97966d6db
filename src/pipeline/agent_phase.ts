import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { Opencode } from "../services/agent/Opencode.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { checkBudget } from "./budget.ts"
import { ensureWorker } from "./worker.ts"
import { copyMode, copyOutOfWorker, prepareWorkerRun } from "./worker_files.ts"

/**
 * One opencode run in the ticket's worker, continuing the ticket's session when it has one. The budget is
 * checked first (no run starts past it), then the worker is looked up (or started again), so a phase resumed
 * after a crash or a reboot finds one. When the worker has a copy of the workspace, what the agent did is
 * brought back after the run, failed or not, as a bind mount would have kept it.
 */
export const runAgent = Effect.fn("Agent.phase")(function* (
  ticketId: Ticket["id"],
  phase: State,
  prompt: string,
  options: { readonly newSession?: boolean } = {},
) {
  const store = yield* TicketStore
  const ticket = yield* store.get(ticketId)
  yield* checkBudget(ticket, phase)
  const worker = yield* ensureWorker(ticket.id)
  const opencode = yield* Opencode
  const run = (session: Option.Option<string>) =>
    opencode.run({
      ticketId: ticket.id,
      phase,
      worker,
      model: ticket.model,
      prompt,
      session,
      title: `devvy ${ticket.id}: ${ticket.title}`.slice(0, 100),
    })
  const session = options.newSession === true ? Option.none() : Option.fromNullable(ticket.opencodeSession)
  const copy = yield* copyMode
  if (copy) yield* prepareWorkerRun(ticket.id, worker)
  // A session opencode no longer has (its data directory was lost) is started afresh rather than failing
  // the ticket: the conversation is gone, but the work itself is in the workspace the new session sees.
  const result = yield* run(session).pipe(
    Effect.catchTag("AgentSessionNotFound", () => run(Option.none())),
    Effect.exit,
  )
  if (copy) {
    const back = copyOutOfWorker(ticket.id, worker)
    // After a failed run the run's own error is the one to report; the copy's is only logged.
    yield* Exit.isSuccess(result) ? back : back.pipe(
      Effect.catchAll((e) => Effect.logWarning(`the agent's changes could not be brought back: ${e.message}`)),
    )
  }
  return yield* result
})
