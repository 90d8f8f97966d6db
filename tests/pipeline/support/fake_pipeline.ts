/**
 * The pipeline's states without Docker, opencode or a network: the real store over a temporary home,
 * the real config, the in-memory forge, and the services the states reach Docker and the agent through
 * (DockerEngine, Opencode, Workspace, AgentCredentials) mocked at their tags. The validation scripts
 * "run" with the exit codes a test chooses; the agent's runs are recorded and answered by the test.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import type { State } from "../../../src/domain/State.ts"
import type { Ticket } from "../../../src/domain/Ticket.ts"
import type { TicketId } from "../../../src/domain/TicketId.ts"
import { AgentCredentials } from "../../../src/services/agent/AgentCredentials.ts"
import { Opencode, type RunInput } from "../../../src/services/agent/Opencode.ts"
import { AgentUsage, Usage } from "../../../src/services/agent/AgentUsage.ts"
import type { RunResult } from "../../../src/services/agent/run_state.ts"
import { ContainerCopies } from "../../../src/services/docker/ContainerCopies.ts"
import { type ContainerInfo, DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import { LocalPullRequests } from "../../../src/services/forge/local/LocalPullRequests.ts"
import { CheckRounds } from "../../../src/services/store/CheckRounds.ts"
import { ReplyLedger } from "../../../src/services/store/ReplyLedger.ts"
import { SourceCommentLedger } from "../../../src/services/store/SourceCommentLedger.ts"
import { TicketLog } from "../../../src/services/store/TicketLog.ts"
import { TicketLogger, TicketLoggerLive } from "../../../src/services/store/TicketLogger.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { Workspace } from "../../../src/services/workspace/Workspace.ts"
import { configFrom } from "../../support/git_fixtures.ts"
import { makeTempDir, storeAt } from "../../support/temp_home.ts"

export interface FakePipelineOptions {
  /** The exit code of each validation script by its path (`src/scripts/run-tests.sh`); 0 when not given. */
  readonly scripts?: Readonly<Record<string, number>>
  /** What opencode answers a run with; by default it succeeds saying "done". */
  readonly agent?: (input: RunInput) => ReturnType<Opencode["run"]>
  /** Settings as environment variables (DEVVY_MAX_FIX_ATTEMPTS, DEVVY_POLL_INTERVAL, …). */
  readonly settings?: Readonly<Record<string, string>>
  /** The commits the ticket's branch has beyond the default branch; 1 when not given. */
  readonly commitsAhead?: number
}

const container = (id: string, labels: Readonly<Record<string, string>>): ContainerInfo => ({
  id,
  name: id,
  image: "devvy-worker",
  status: "running",
  running: true,
  exitCode: 0,
  labels,
  mounts: [],
})

/** An agent whose every run succeeds with `text` as its answer. */
export const agentSays = (text: string) => (): Effect.Effect<RunResult> =>
  Effect.succeed({ sessionId: "ses_fake", text, usage: Usage.zero })

const agentDone = (input: RunInput) => agentSays(`done ${input.phase}`)()

/**
 * A home with a store and a workspace holding `scripts`, and the pipeline's services over it. `runs` is
 * every agent run in order, `execs` every script run in the validation container.
 */
export const fakePipeline = (options: FakePipelineOptions = {}) =>
  Effect.gen(function* () {
    const home = yield* makeTempDir()
    const workspace = path.join(home, "workspace")
    for (const script of Object.keys(options.scripts ?? {})) {
      fs.mkdirSync(path.dirname(path.join(workspace, script)), { recursive: true })
      fs.writeFileSync(path.join(workspace, script), "exit 0\n")
    }
    fs.mkdirSync(workspace, { recursive: true })
    const runs: Array<RunInput> = []
    const execs: Array<string> = []
    const docker = Layer.mock(DockerEngine, {
      // The ticket's worker is up: the states re-attach to it instead of building and starting one.
      listContainers: (labels) => Effect.succeed([container("worker", { ...labels, "devvy.role": "worker" })]),
      stopContainer: () => Effect.void,
      startContainer: () => Effect.void,
      removeContainer: () => Effect.void,
      listVolumes: () => Effect.succeed([]),
      removeVolume: () => Effect.void,
      removeImage: () => Effect.void,
      runContainer: (spec) => Effect.succeed(container("validate", spec.labels ?? {})),
      exec: (_id, exec) =>
        Effect.sync(() => {
          const script = exec.cmd.at(-1) ?? ""
          execs.push(script)
          return { exitCode: options.scripts?.[script] ?? 0 }
        }),
    })
    // Effect.Service instances carry their key as _tag, which a mock of one has to name.
    const opencode = Layer.mock(Opencode, {
      _tag: "devvy/Opencode",
      run: (input) => Effect.suspend(() => (runs.push(input), (options.agent ?? agentDone)(input))),
    })
    const services = Layer.mergeAll(
      docker,
      opencode,
      Layer.mock(Workspace, {
        _tag: "devvy/Workspace",
        path: () => workspace,
        commitAll: () => Effect.succeed(true),
        commitsAhead: () => Effect.succeed(options.commitsAhead ?? 1),
        push: () => Effect.void,
        delete: () => Effect.void,
      }),
      Layer.mock(AgentCredentials, {
        _tag: "devvy/AgentCredentials",
        hostAuth: path.join(home, "no-auth.json"),
        remove: () => Effect.void,
      }),
      Layer.mock(ContainerCopies, { _tag: "devvy/ContainerCopies", forget: () => Effect.void }),
      AgentUsage.Default,
      ReplyLedger.Default,
      SourceCommentLedger.Default,
      CheckRounds.Default,
      LocalPullRequests.Default,
      FetchHttpClient.layer,
      TicketLoggerLive,
    ).pipe(
      Layer.provideMerge(configFrom(options.settings ?? {})),
      Layer.provideMerge(storeAt(home)),
      Layer.provideMerge(NodeContext.layer),
    )
    return { home, workspace, runs, execs, layer: services }
  })

/** The messages in the ticket's log, once what was logged so far has been written. */
export const logOf = (id: TicketId) =>
  Effect.gen(function* () {
    yield* (yield* TicketLogger).flush
    return (yield* (yield* TicketLog).read(id)).map((l) => l.line.message)
  })

/** A new ticket moved along `path` by stored transitions, as earlier runs would have left it. */
export const ticketAt = (path: ReadonlyArray<State>, repoUrl = "/nonexistent/repo") =>
  Effect.gen(function* () {
    const store = yield* TicketStore
    let ticket: Ticket = yield* store.create({ title: "T", description: "d", repoUrl, model: "mock/m1" })
    for (const state of path) ticket = yield* store.transition(ticket.id, state)
    return ticket
  }).pipe(Effect.orDie)
