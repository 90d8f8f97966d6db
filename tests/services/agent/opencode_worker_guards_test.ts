/**
 * The real opencode binary in a real worker container: a stall is stopped for good, and credentials reach
 * opencode as mounted files — read-only API keys, and OAuth tokens whose refreshes come back to the user.
 */
import assert from "node:assert/strict"
import { Effect, Option } from "effect"
import * as fs from "node:fs"
import { AgentCredentials } from "../../../src/services/agent/AgentCredentials.ts"
import { workerPaths } from "../../../src/services/agent/credentials.ts"
import { planPrompt } from "../../../src/pipeline/prompts/prompts.ts"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import { it } from "../../support/effect_test.ts"
import { turn } from "../../support/mock_model/turns.ts"
import { readOnlyApiKey, stall } from "./opencode_scenarios.ts"
import { withTicket } from "./scenarios.ts"
import { engine, live, processes, worker } from "./worker_kit.ts"

it.live(
  "in a worker, a stalled run is stopped and no opencode process is left behind",
  () =>
    stall(worker, (container) =>
      Effect.gen(function* () {
        const left = (yield* processes(container)).filter((p) => p.includes("opencode"))
        assert.deepEqual(left, [])
      })),
  engine,
  live,
)

it.live(
  "in a worker, an API key in the read-only mounted auth.json reaches the model",
  () => readOnlyApiKey(worker),
  engine,
  live,
)

it.live(
  "in a worker, OAuth tokens live in a writable copy and what the agent refreshes reaches the user's file",
  () =>
    withTicket(worker, () => [turn.text("ok")], ({ ticket, worker: started, run }) =>
      Effect.gen(function* () {
        const docker = yield* DockerEngine
        const credentials = yield* AgentCredentials
        yield* run("PLAN", planPrompt({ title: "t", description: "d" }), Option.none())
        // What opencode does when a token expires: it writes the refreshed one into its auth.json.
        const refreshed = { mock: { type: "oauth", refresh: "r", access: "new", expires: 9_999_999_999_999 } }
        const write = yield* docker.exec(started.worker, {
          cmd: ["sh", "-c", `printf '%s' "$0" > ${workerPaths.authFile}`, JSON.stringify(refreshed)],
        })
        assert.equal(write.exitCode, 0, "the copy is writable by the worker's user")
        yield* credentials.afterRun(ticket.id)
        assert.deepEqual(JSON.parse(fs.readFileSync(credentials.hostAuth, "utf8")), refreshed)
      }), { auth: { mock: { type: "oauth", refresh: "r", access: "old", expires: 1000 } } }),
  engine,
  live,
)
