import * as Effect from "effect/Effect"
import type { Ticket } from "../domain/Ticket.ts"
import { AgentCredentials } from "../services/agent/AgentCredentials.ts"
import { Workspace } from "../services/workspace/Workspace.ts"
import { validationImage } from "./validate/run_scripts.ts"
import { removeWorkers } from "./worker.ts"
import { DockerEngine } from "../services/docker/DockerEngine.ts"

/** MERGED, FAILED, CANCELLED: the ticket's containers, workspace and agent files go; the store keeps its record. */
export const finish = Effect.fn("State.finish")(function* (ticket: Ticket) {
  yield* removeWorkers(ticket.id)
  yield* (yield* DockerEngine).removeImage(validationImage(ticket.id), { force: true })
  yield* (yield* Workspace).delete(ticket.id)
  // The agent directory may hold a copy of an OAuth token: refreshed tokens are merged back, then it goes.
  yield* (yield* AgentCredentials).remove(ticket.id)
  yield* Effect.logInfo("removed the worker, the workspace and the agent directory")
})
