/**
 * The real opencode binary against the mock model, through any runner and worker (a real worker
 * container through DockerAgentRunner in opencode_worker_test.ts).
 */
import { Effect, type Layer, Option, type Scope } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import type { Ticket } from "../../../src/domain/Ticket.ts"
import type { TicketId } from "../../../src/domain/TicketId.ts"
import { AgentCredentials } from "../../../src/services/agent/AgentCredentials.ts"
import type { AgentRunner } from "../../../src/services/agent/AgentRunner.ts"
import type { AgentUsage } from "../../../src/services/agent/AgentUsage.ts"
import type { AgentMounts } from "../../../src/services/agent/credentials.ts"
import { Opencode, type RunInput } from "../../../src/services/agent/Opencode.ts"
import { AppConfig } from "../../../src/services/config/AppConfig.ts"
import { DevvyPaths, workspaceDir } from "../../../src/services/config/DevvyPaths.ts"
import type { TicketLog } from "../../../src/services/store/TicketLog.ts"
import { inTicketLog, type TicketLogger } from "../../../src/services/store/TicketLogger.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { makeRepo } from "../../support/git_fixtures.ts"
import { makeMockModel, type MockModel, mockProviderConfig, type Script } from "../../support/mock_model/server.ts"
import { agentLayer } from "./agent_layer.ts"

export interface WorkerInput {
  readonly id: TicketId
  /** The ticket's clone on the host. */
  readonly workspace: string
  readonly mounts: AgentMounts
}

export interface StartedWorker {
  readonly worker: string
  /** The workspace as opencode sees it: where the model's tool calls must write. */
  readonly workspace: string
}

/** How a test gets somewhere for opencode to run: a runner, and a worker for a ticket. */
export interface WorkerKit<R> {
  readonly runner: Layer.Layer<AgentRunner | R>
  readonly start: (input: WorkerInput) => Effect.Effect<StartedWorker, unknown, Scope.Scope | R>
}

export interface TicketContext {
  readonly ticket: Ticket
  readonly worker: StartedWorker
  readonly hostWorkspace: string
  readonly model: MockModel
  /** Runs one phase with the ticket's model and worker. */
  readonly run: (phase: RunInput["phase"], prompt: string, session: Option.Option<string>) => ReturnType<
    Opencode["run"]
  >
}

type Services =
  | Opencode
  | TicketStore
  | TicketLog
  | TicketLogger
  | AgentUsage
  | AgentCredentials
  | AppConfig
  | DevvyPaths

export const cost = { input: 2, output: 10 }

/**
 * A ticket with a one-commit workspace and a worker, its opencode config pointing at a mock model that
 * plays `script`; `settings` are devvy config environment variables (DEVVY_STALL_TIMEOUT, …).
 */
export const withTicket = <R, A, E>(
  kit: WorkerKit<R>,
  script: (workspace: string) => Script,
  body: (context: TicketContext) => Effect.Effect<A, E, Services | R | Scope.Scope>,
  options: {
    readonly settings?: Readonly<Record<string, string>>
    /** The user's auth.json; the mock provider's key then comes from it instead of the config. */
    readonly auth?: unknown
    /** More of the user's opencode config, beside the mock provider. */
    readonly userConfig?: Readonly<Record<string, unknown>>
  } = {},
) =>
  Effect.gen(function* () {
    let workspaceSeen = ""
    const mock = yield* makeMockModel((request, index) => {
      const chosen = script(workspaceSeen)
      return typeof chosen === "function"
        ? chosen(request, index)
        : chosen[index] ?? { kind: "error", status: 400, message: "no turn" }
    })
    return yield* Effect.gen(function* () {
      const config = yield* AppConfig
      const configFile = Option.getOrThrow(config.agent.opencodeConfig)
      const credentials = yield* AgentCredentials
      const provider = mockProviderConfig(mock, { cost, ...(options.auth ? {} : { apiKey: "mock-key" }) })
      yield* Effect.sync(() => {
        fs.writeFileSync(configFile, JSON.stringify({ ...provider, ...options.userConfig }))
        if (!options.auth) return
        fs.mkdirSync(path.dirname(credentials.hostAuth), { recursive: true })
        fs.writeFileSync(credentials.hostAuth, JSON.stringify(options.auth), { mode: 0o600 })
      })
      const store = yield* TicketStore
      const ticket = yield* store.create({ title: "Add hello", description: "A file", repoUrl: "/r", model: "mock/m1" })
      const hostWorkspace = workspaceDir(yield* DevvyPaths, ticket.id)
      yield* Effect.sync(() => makeRepo(hostWorkspace))
      const mounts = yield* credentials.prepare(ticket.id)
      const worker = yield* kit.start({ id: ticket.id, workspace: hostWorkspace, mounts })
      workspaceSeen = worker.workspace
      const opencode = yield* Opencode
      const run = (phase: RunInput["phase"], prompt: string, session: Option.Option<string>) =>
        opencode.run({
          ticketId: ticket.id,
          phase,
          worker: worker.worker,
          model: "mock/m1",
          prompt,
          session,
          title: `devvy ${ticket.id}`,
        }).pipe(inTicketLog(ticket.id, phase))
      return yield* body({ ticket, worker, hostWorkspace, model: mock, run })
    }).pipe(
      // The worker is removed while the agent layer, whose Docker engine removes it, is still open: the engine
      // closes its connection with its layer, and a removal after that would fail and leave the container behind.
      Effect.scoped,
      Effect.provide(agentLayer(kit.runner, (dir) => ({
        DEVVY_OPENCODE_CONFIG: path.join(dir, "opencode.json"),
        DEVVY_STALL_TIMEOUT: "60",
        DEVVY_PHASE_TIMEOUT: "300",
        ...options.settings,
      }))),
    )
  })
