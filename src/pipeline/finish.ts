import * as Effect from "effect/Effect"
import type { Ticket } from "../domain/Ticket.ts"
import { AgentCredentials } from "../services/agent/AgentCredentials.ts"
import { Workspace } from "../services/workspace/Workspace.ts"
import { validationImage } from "./validate/run_scripts.ts"
import { removeWorkers } from "./worker.ts"
import { DockerEngine } from "../services/docker/DockerEngine.ts"

/** MERGED, FAILED, CANCELLED: the ticket's containers, workspace and agent files go; the store keeps its record. */
export const finish = Effect.fn("State.finish")(function* (ticket: Ticket) {
  const docker = yield* DockerEngine
  const workspace = yield* Workspace
  const credentials = yield* AgentCredentials
  // The engine's part and this host's run side by side: both are mostly deleting files (a copy-mode
  // workspace volume takes the engine ~0.4 s), and neither needs the other.
  yield* Effect.all([
    Effect.gen(function* () {
      yield* removeWorkers(ticket.id)
      yield* docker.removeImage(validationImage(ticket.id), { force: true })
      // The agent directory may hold a copy of an OAuth token: refreshed tokens are merged back, then it goes.
      yield* credentials.remove(ticket.id)
    }),
    workspace.delete(ticket.id),
  ], { concurrency: "unbounded", discard: true })
  yield* Effect.logInfo("removed the worker, the workspace and the agent directory")
})
