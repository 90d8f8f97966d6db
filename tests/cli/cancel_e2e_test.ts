import assert from "node:assert/strict"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { validationImage } from "../../src/pipeline/validate/run_scripts.ts"
import { DockerEngine } from "../../src/services/docker/DockerEngine.ts"
import { ticketHome } from "../pipeline/support/ticket_harness.ts"
import { dockerLayer, needsEngine } from "../services/docker/engine_support.ts"
import { detached, driverPid, statusOf, until } from "../support/devvy_cli.ts"
import { it } from "../support/effect_test.ts"

/** A live process, not a zombie waiting for a parent that is gone. */
const alive = (pid: number): boolean => {
  try {
    return !/^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, "utf8"))
  } catch {
    return false
  }
}

it.live(
  "cancel stops a background driver in the middle of VALIDATE and leaves no process, container, image or workspace",
  () =>
    Effect.gen(function* () {
      const { home, repo, cli: run } = yield* ticketHome({ implement: { "hello.txt": "hello\n" } })
      // Its own image, and tests that never end: the ticket can only leave VALIDATE by being cancelled.
      const origin = repo({ Dockerfile: "FROM debian:bookworm-slim\n", "src/scripts/run-tests.sh": "sleep 600\n" })
      const docker = yield* DockerEngine

      const id = yield* detached(run, "-t", "Never done", "--description", "d", "--repo", origin)
      const driving = yield* until(
        statusOf(run, id),
        (s) => s.state === "VALIDATE" && driverPid(s.process) > 0,
        "VALIDATE",
      )
      yield* until(
        docker.listContainers({ "devvy.ticket": id, "devvy.role": "validate" }).pipe(Effect.orDie),
        (containers) => containers.length > 0,
        "the validation container",
      )
      assert.ok(yield* docker.imageExists(validationImage(id)).pipe(Effect.orDie))

      const cancelled = yield* run("cancel", id)
      assert.equal(cancelled.code, 0, cancelled.stderr)
      assert.match(cancelled.stdout, new RegExp(`Ticket ${id} cancelled`))

      const after = yield* statusOf(run, id)
      assert.equal(after.state, "CANCELLED")
      assert.equal(after.process, "-")
      yield* until(Effect.sync(() => alive(driverPid(driving.process))), (live) => !live, "the driver to exit")
      assert.deepEqual(yield* docker.listContainers({ "devvy.ticket": id }).pipe(Effect.orDie), [])
      assert.equal(yield* docker.imageExists(validationImage(id)).pipe(Effect.orDie), false)
      assert.equal(fs.existsSync(path.join(home, "workspaces", id)), false, "the workspace is removed")
      assert.equal(fs.existsSync(path.join(home, "agent", id)), false, "the agent directory is removed")

      const again = yield* run("cancel", id)
      assert.equal(again.code, 2, "an ended ticket is a usage error to cancel")
      assert.match(again.stderr, new RegExp(`ticket ${id} has already ended \\(CANCELLED\\)`))
    }),
  dockerLayer,
  { sanitizeOps: false, sanitizeResources: false, ...needsEngine },
)
