/**
 * The real opencode binary, run on this machine against the mock model: the run loop's contract with
 * opencode itself (events, sessions, usage, errors, stalls) without Docker in the way.
 */
import { Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { it } from "../../support/effect_test.ts"
import { ensureOpencodeBinary } from "../../support/images/worker_test_image.ts"
import { makeTempDir } from "../../support/temp_home.ts"
import { hostRunner } from "./host_runner.ts"
import { modelError, planThenImplement, readOnlyApiKey, stall, usagePerPhase } from "./opencode_scenarios.ts"
import type { WorkerKit } from "./scenarios.ts"

/** The worker is a directory standing for the container's root, its mounts made of symbolic links. */
const host: WorkerKit<never> = {
  runner: Layer.unwrapEffect(Effect.map(ensureOpencodeBinary, hostRunner)),
  start: ({ workspace, mounts }) =>
    Effect.gen(function* () {
      const root = yield* makeTempDir("devvy-root-")
      yield* Effect.sync(() => {
        for (const bind of [`${workspace}:/workspace`, ...mounts.binds]) {
          const [source, target] = bind.split(":")
          fs.mkdirSync(path.dirname(path.join(root, target)), { recursive: true })
          fs.rmSync(path.join(root, target), { force: true })
          fs.symlinkSync(source, path.join(root, target))
        }
      })
      return { worker: root, workspace: path.join(root, "workspace") }
    }),
}

const live = { sanitizeOps: false, sanitizeResources: false }

it.live(
  "PLAN then IMPLEMENT in one opencode session leaves the scripted file and replays the plan",
  () => planThenImplement(host),
  Layer.empty,
  live,
)

it.live("tokens and cost that opencode reports are stored per phase", () => usagePerPhase(host), Layer.empty, live)

it.live(
  "a model error fails the phase with AgentModelError carrying the model's message",
  () => modelError(host),
  Layer.empty,
  live,
)

it.live(
  "a model that never answers is detected as a stall and the run stopped",
  () => stall(host, () => Effect.void),
  Layer.empty,
  live,
)

it.live("an API key in a read-only auth.json reaches the model", () => readOnlyApiKey(host), Layer.empty, live)
