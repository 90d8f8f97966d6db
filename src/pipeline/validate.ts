import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { fixPrompt } from "./prompts/prompts.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { Forge } from "../services/forge/Forge.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { Workspace } from "../services/workspace/Workspace.ts"
import { runAgent } from "./agent_phase.ts"
import { TicketRejected } from "./errors.ts"
import { runValidation } from "./validate/run_scripts.ts"

/**
 * VALIDATE: the repository's scripts in a throw-away container; on a failure opencode gets the output and
 * fixes, up to `max_fix_attempts` times. The fixes used so far are the ticket's retry count, so a resumed
 * VALIDATE does not start counting again. On the review loop (a pull request exists) the validated
 * change is committed and pushed before waiting for the reviewers again.
 */
export const validate = Effect.fn("State.VALIDATE")(function* (ticket: Ticket) {
  const config = yield* AppConfig
  const store = yield* TicketStore
  const workspace = yield* Workspace
  const forge = yield* Forge
  const repository = yield* forge.repository
  const max = config.agent.maxFixAttempts
  while (true) {
    const fixes = (yield* store.get(ticket.id)).retryCount
    const failure = yield* runValidation(ticket.id, workspace.path(ticket.id), repository.name)
    if (Option.isNone(failure)) break
    if (fixes >= max) {
      return yield* new TicketRejected({
        reason: `validation failed after ${max} fix attempt${max === 1 ? "" : "s"}: ` +
          `${failure.value.script} exited with ${failure.value.exitCode}`,
      })
    }
    yield* store.update(ticket.id, { retryCount: fixes + 1 })
    yield* Effect.logInfo(`asking the agent for fix ${fixes + 1} of ${max}`)
    yield* runAgent(ticket.id, "VALIDATE", fixPrompt({ ...failure.value, attempt: fixes + 1, maxAttempts: max }))
  }
  yield* store.update(ticket.id, { retryCount: 0 })
  yield* Effect.logInfo("validation passed")
  const current = yield* store.get(ticket.id)
  if (current.prNumber === null) {
    const next: State = "CREATE_PR"
    return next
  }
  if (yield* workspace.commitAll(ticket.id, "Address review comments")) {
    yield* Effect.logInfo("committed the review changes")
  }
  yield* workspace.push(ticket.id, forge.gitAuthHeader)
  const next: State = "WAIT_FOR_REVIEW"
  return next
})
