/**
 * The real opencode binary in a real worker container, driven through the Docker engine's exec, against
 * the mock model on 127.0.0.1 (the container uses the host's network to reach it).
 */
import assert from "node:assert/strict"
import { Effect, Layer, Option } from "effect"
import * as fs from "node:fs"
import { AgentCredentials } from "../../../src/services/agent/AgentCredentials.ts"
import { workerPaths } from "../../../src/services/agent/credentials.ts"
import { DockerAgentRunner } from "../../../src/services/agent/docker_runner.ts"
import { planPrompt } from "../../../src/services/agent/prompts.ts"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import { it } from "../../support/effect_test.ts"
import { ensureWorkerTestImage } from "../../support/images/worker_test_image.ts"
import { turn } from "../../support/mock_model/turns.ts"
import { modelError, planThenImplement, readOnlyApiKey, stall, usagePerPhase } from "./opencode_scenarios.ts"
import { withTicket, type WorkerKit } from "./scenarios.ts"

const engine = DockerEngine.at(Deno.env.get("DOCKER_HOST") ?? "unix:///var/run/docker.sock")

const worker: WorkerKit<DockerEngine> = {
  runner: DockerAgentRunner.pipe(Layer.provideMerge(engine)),
  start: ({ id, workspace, mounts }) =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const image = yield* ensureWorkerTestImage
      const container = yield* docker.runContainer({
        image,
        cmd: ["sleep", "infinity"],
        init: true,
        // As devvy runs workers: as the invoking user, so what the agent writes stays theirs.
        user: `${Deno.uid() ?? 0}:${Deno.gid() ?? 0}`,
        labels: { "devvy.ticket": id, "devvy.test": "agent" },
        binds: [`${workspace}:${workerPaths.workspace}`, ...mounts.binds],
        env: mounts.env,
        workingDir: workerPaths.workspace,
        network: "host",
      })
      return { worker: container.id, workspace: workerPaths.workspace }
    }),
}

/** The command lines of the processes running in the container. */
const processes = (container: string) =>
  Effect.gen(function* () {
    const docker = yield* DockerEngine
    const lines: Array<string> = []
    yield* docker.exec(container, {
      cmd: ["sh", "-c", 'for p in /proc/[0-9]*; do tr "\\0" " " < "$p/cmdline"; echo; done'],
      onLine: (_stream, line) => Effect.sync(() => void lines.push(line)),
    })
    return lines.filter((l) => l.trim() !== "")
  })

const live = { sanitizeOps: false, sanitizeResources: false }

it.live(
  "in a worker, PLAN then IMPLEMENT in one session leaves the scripted file and replays the plan",
  () => planThenImplement(worker),
  engine,
  live,
)

it.live("in a worker, tokens and cost are stored per phase", () => usagePerPhase(worker), engine, live)

it.live(
  "in a worker, a model error fails the phase with the model's own message",
  () => modelError(worker),
  engine,
  live,
)

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
