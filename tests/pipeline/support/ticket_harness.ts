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
import { DevvyPaths } from "../../../src/services/config/DevvyPaths.ts"
import * as DockerEngineLive from "../../../src/services/docker/engine.ts"
import { StoreServices } from "../../../src/services/store/StoreServices.ts"
import { configFrom } from "../../support/git_fixtures.ts"
import { ensureWorkerTestImage } from "../../support/images/worker_test_image.ts"
import { type MockModel, mockProviderConfig } from "../../support/mock_model/server.ts"

export interface HarnessOptions {
  readonly home: string
  readonly model: MockModel
  readonly workerImage: string
  readonly settings?: Readonly<Record<string, string>>
}

/** The worker image the tests run opencode in, built once per machine. */
export const testWorkerImage = ensureWorkerTestImage.pipe(Effect.provide(DockerEngineLive.layer.pipe(
  Layer.provide(configFrom({})),
  // The engine's address is all it reads: no file needs to exist there.
  Layer.provide(DevvyPaths.at(path.join(os.tmpdir(), "devvy-no-home"))),
)))

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

export const pipelineAt = (options: HarnessOptions) => {
  const settings = {
    ...mockModelSettings(options.home, options.model, options.workerImage),
    DEVVY_POLL_INTERVAL: "1",
    DEVVY_STALL_TIMEOUT: "120",
    DEVVY_PHASE_TIMEOUT: "300",
    ...options.settings,
  }
  return PipelineServices.pipe(
    Layer.provideMerge(StoreServices),
    Layer.provideMerge(configFrom(settings)),
    Layer.provideMerge(DevvyPaths.at(options.home)),
    Layer.provideMerge(NodeContext.layer),
  )
}
