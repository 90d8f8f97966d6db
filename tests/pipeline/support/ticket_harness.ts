/**
 * What an end-to-end ticket test runs on: the real pipeline (Docker engine, opencode in a worker built
 * from the test image, git, the store) over a temporary DEVVY_HOME, configured as a user would, with the
 * model replaced by the scripted mock and the forge by the local forge or the Azure DevOps emulator.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { PipelineServices } from "../../../src/pipeline/layer.ts"
import { validationImage } from "../../../src/pipeline/validate/run_scripts.ts"
import { removeWorkers } from "../../../src/pipeline/worker.ts"
import { DevvyPaths } from "../../../src/services/config/DevvyPaths.ts"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import { StoreServices } from "../../../src/services/store/StoreServices.ts"
import { TicketLease } from "../../../src/services/store/TicketLease.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { dockerLayer } from "../../services/docker/engine_support.ts"
import { cli } from "../../support/devvy_cli.ts"
import { configFrom, makeRepo } from "../../support/git_fixtures.ts"
import { ensureWorkerTestImage } from "../../support/images/worker_test_image.ts"
import {
  makeMockModel,
  type MockModel,
  mockProviderConfig,
  type RecordedRequest,
} from "../../support/mock_model/server.ts"
import type { Turn } from "../../support/mock_model/turns.ts"
import { makeTempDir, storeAt } from "../../support/temp_home.ts"
import { type TicketScript, ticketScript } from "./scripted_agent.ts"

export interface HarnessOptions {
  readonly home: string
  readonly model: MockModel
  readonly workerImage: string
  readonly settings?: Readonly<Record<string, string>>
}

/** The worker image the tests run opencode in, built once per machine. */
export const testWorkerImage = ensureWorkerTestImage.pipe(Effect.provide(dockerLayer))

/**
 * The settings that point devvy at the mock model, run by opencode in a worker of `workerImage`; writes
 * the opencode.json they name into `home`.
 */
export const mockModelSettings = (home: string, model: MockModel, workerImage: string) => {
  const opencodeConfig = path.join(home, "opencode.json")
  fs.mkdirSync(home, { recursive: true })
  fs.writeFileSync(opencodeConfig, JSON.stringify(mockProviderConfig(model, { apiKey: "test-key" })))
  return {
    DEVVY_MODEL: "mock/m1",
    DEVVY_OPENCODE_CONFIG: opencodeConfig,
    DEVVY_WORKER_IMAGE: workerImage,
    // The mock model listens on the host's loopback, which the worker reaches on the host network.
    DEVVY_DOCKER_NETWORK: "host",
  }
}

/** What the tests run devvy with: quick polls, generous timeouts for a loaded machine. */
const harnessSettings = (options: HarnessOptions) => ({
  ...mockModelSettings(options.home, options.model, options.workerImage),
  DEVVY_POLL_INTERVAL: "1",
  DEVVY_STALL_TIMEOUT: "120",
  DEVVY_PHASE_TIMEOUT: "300",
  ...options.settings,
})

const pipelineAt = (options: HarnessOptions) =>
  PipelineServices.pipe(
    Layer.provideMerge(StoreServices),
    Layer.provideMerge(configFrom(harnessSettings(options))),
    Layer.provideMerge(DevvyPaths.at(options.home)),
    Layer.provideMerge(NodeContext.layer),
  )

/** Ends a driver process and waits until it is gone, so that it starts nothing after its cleanup. */
const killDriver = (pid: number) =>
  Effect.promise(async () => {
    try {
      Deno.kill(pid, "SIGKILL")
    } catch {
      return // already gone
    }
    for (let i = 0; i < 100 && fs.existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 50))
  })

/**
 * Whatever devvy left for the tickets stored in `home`, as a failed or interrupted test leaves it: the
 * drivers still running in other processes, the tickets' containers and their validation images.
 * An ended ticket has none of these; a paused, resumable or failed-midway one keeps them on purpose.
 */
export const leaveNothing = (home: string) =>
  Effect.gen(function* () {
    if (!fs.existsSync(path.join(home, "devvy.db"))) return
    const { tickets, drivers } = yield* Effect.gen(function* () {
      const tickets = yield* (yield* TicketStore).list({ all: true })
      return { tickets, drivers: yield* (yield* TicketLease).drivers() }
    }).pipe(Effect.provide(storeAt(home)))
    for (const driver of drivers.values()) {
      if (driver.pid !== Deno.pid && driver.host === os.hostname()) yield* killDriver(driver.pid)
    }
    const docker = yield* DockerEngine
    for (const ticket of tickets) {
      yield* Effect.ignore(removeWorkers(ticket.id))
      yield* Effect.ignore(docker.removeImage(validationImage(ticket.id), { force: true }))
    }
  }).pipe(Effect.provide(dockerLayer), Effect.orDie)

/** A ticket on `repoUrl` for the mock model, as `devvy run` stores it. */
export const newTicket = (repoUrl: string, title = "Say hello", description = "Add hello.txt") =>
  Effect.flatMap(TicketStore, (store) => store.create({ title, description, repoUrl, model: "mock/m1" }))

export interface TicketHome extends HarnessOptions {
  readonly settings: Readonly<Record<string, string>>
  /** The environment the CLI runs with: the mock model's settings and the quick polls. */
  readonly env: Record<string, string>
  /** A repository under the home with a README and `files`, committed on main; its path is its URL. */
  readonly repo: (files: Readonly<Record<string, string>>, name?: string) => string
  /** The real pipeline over the home, with `settings` on top of the home's. */
  readonly pipeline: (settings?: Readonly<Record<string, string>>) => ReturnType<typeof pipelineAt>
  /** The `devvy` CLI run in the home, as a user in another terminal would. */
  readonly cli: ReturnType<typeof cli>
}

/**
 * A temporary DEVVY_HOME with the mock model playing `script` (or answering each request as given). When the test's scope closes, whatever
 * pass or fail, the drivers, containers and images of every ticket stored there are removed, then the home.
 */
export const ticketHome = (
  script: TicketScript | ((request: RecordedRequest) => Turn),
  settings: Readonly<Record<string, string>> = {},
) =>
  Effect.gen(function* () {
    const workerImage = yield* testWorkerImage
    const home = yield* makeTempDir()
    const model = yield* makeMockModel(typeof script === "function" ? script : ticketScript(script))
    // Added last, so it runs first: before the model stops and the home (with its store) is removed.
    yield* Effect.addFinalizer(() => leaveNothing(home))
    const options = { home, model, workerImage, settings }
    const env = harnessSettings(options)
    const fixture: TicketHome = {
      ...options,
      env,
      repo: (files, name = "origin") =>
        makeRepo(path.join(home, name), { files: { "README.md": `# ${name}\n`, ...files } }),
      pipeline: (more = {}) => pipelineAt({ ...options, settings: { ...settings, ...more } }),
      cli: cli(home, env),
    }
    return fixture
  })
