import assert from "node:assert/strict"
import { Effect } from "effect"
import { startAdoEmulator } from "../support/ado_emulator/emulator.ts"
import { driverPid, statusOf, until } from "../support/devvy_cli.ts"
import { it } from "../support/effect_test.ts"
import { ticketHome } from "../pipeline/support/ticket_harness.ts"

const pat = "emulated-pat-77aa"

it.live(
  "kill -9 during FIX_CHECKS and resume: the failure gets one fix commit, not two, and the ticket merges",
  () =>
    Effect.gen(function* () {
      const ado = yield* startAdoEmulator({
        pat,
        repos: [{
          name: "web",
          files: { "README.md": "# web\n", "src/scripts/run-tests.sh": "grep -q hello hello.txt\n" },
        }],
      })
      const { cli: run } = yield* ticketHome({
        implement: { "hello.txt": "hello\n" },
        checkFixes: [{ "hello.txt": "hello.\n" }],
        // Each round first spends a while in a shell: the driver is killed there.
        checkFixPause: 6,
      }, { DEVVY_ADO_PAT: pat })
      const started = yield* run(
        "run",
        "-d",
        "-t",
        "Say hello",
        "--description",
        "Add hello.txt",
        "--repo",
        ado.repoUrl("web"),
      )
      assert.equal(started.code, 0, started.stderr)
      const id = started.stdout.trim()

      yield* until(statusOf(run, id), (s) => s.state === "WAIT_FOR_REVIEW", "the pull request")
      const [pr] = yield* ado.pullRequests
      yield* ado.pipeline.fail(pr.pullRequestId, { log: "lint: hello.txt must end with a full stop" })

      const fixing = yield* until(
        statusOf(run, id),
        (s) => s.state === "FIX_CHECKS" && driverPid(s.process) > 0,
        "FIX_CHECKS",
      )
      Deno.kill(driverPid(fixing.process), "SIGKILL")
      const idle = yield* until(statusOf(run, id), (s) => s.process === "Idle / resumable", "the lease to lapse")
      assert.equal(idle.state, "FIX_CHECKS", "a killed driver leaves the ticket in FIX_CHECKS")
      const resumed = yield* run("resume", id, "-d")
      assert.equal(resumed.code, 0, resumed.stderr)

      yield* until(
        statusOf(run, id),
        (s) =>
          s.state === "WAIT_FOR_REVIEW" && s.history.some((h) => h.to === "VALIDATE") &&
          s.history.at(-2)?.to === "VALIDATE",
        "the fix pushed",
      )
      // Several polls of the green head: nothing more to fix.
      yield* Effect.sleep("3 seconds")
      yield* ado.review.complete(pr.pullRequestId)
      const merged = yield* until(statusOf(run, id), (s) => s.state === "MERGED", "MERGED")
      assert.equal(merged.history.filter((h) => h.to === "FIX_CHECKS").length, 1)

      // The resumed driver finished the round the killed one had started, rather than starting another.
      const logs = yield* run("logs", id)
      assert.match(logs.stdout, /finishing the interrupted round|is committed; validating it/)
      assert.equal([...logs.stdout.matchAll(/checks failed on/g)].length, 1)
      const subjects = (yield* ado.git("web", ["log", "--format=%s", "main"])).split("\n")
      assert.equal(subjects.filter((s) => s.startsWith("Fix failing checks")).length, 1, subjects.join("\n"))
      assert.equal(yield* ado.git("web", ["show", "main:hello.txt"]), "hello.")
    }),
  { sanitizeOps: false, sanitizeResources: false },
)
