import assert from "node:assert/strict"
import { Effect } from "effect"
import { startAdoEmulator } from "../support/ado_emulator/emulator.ts"
import { detached, driverPid, statusOf, until } from "../support/devvy_cli.ts"
import { it } from "../support/effect_test.ts"
import { startGithubEmulator } from "../support/github_emulator/emulator.ts"
import { ticketHome } from "../pipeline/support/ticket_harness.ts"

const repoFiles = { "README.md": "# web\n", "src/scripts/run-tests.sh": "grep -q hello hello.txt\n" }
const failure = "lint: hello.txt must end with a full stop"

/** What the test does on a forge's emulator, as its CI and its reviewer. */
interface Forge {
  readonly repoUrl: string
  readonly settings: Readonly<Record<string, string>>
  /** The pull request's number, once it exists. */
  readonly pullRequest: Effect.Effect<number>
  readonly failHead: (pr: number) => Effect.Effect<unknown>
  readonly merge: (pr: number) => Effect.Effect<unknown>
  readonly git: (args: ReadonlyArray<string>) => Effect.Effect<string>
}

const killDuringFixChecks = (forge: Forge) =>
  Effect.gen(function* () {
    const { cli: run } = yield* ticketHome({
      implement: { "hello.txt": "hello\n" },
      checkFixes: [{ "hello.txt": "hello.\n" }],
      // Each round first spends a while in a shell: the driver is killed there.
      checkFixPause: 6,
    }, forge.settings)
    const id = yield* detached(run, "-t", "Say hello", "--description", "Add hello.txt", "--repo", forge.repoUrl)

    yield* until(statusOf(run, id), (s) => s.state === "WAIT_FOR_REVIEW", "the pull request")
    const pr = yield* forge.pullRequest
    yield* forge.failHead(pr)

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
      (s) => s.state === "WAIT_FOR_REVIEW" && s.history.at(-2)?.to === "VALIDATE",
      "the fix pushed",
    )
    // Several polls of the green head: nothing more to fix.
    yield* Effect.sleep("3 seconds")
    yield* forge.merge(pr)
    const merged = yield* until(statusOf(run, id), (s) => s.state === "MERGED", "MERGED")
    assert.equal(merged.history.filter((h) => h.to === "FIX_CHECKS").length, 1)

    // The resumed driver finished the round the killed one had started, rather than starting another.
    const logs = yield* run("logs", id)
    assert.match(logs.stdout, /finishing the interrupted round|is committed; validating it/)
    const subjects = (yield* forge.git(["log", "--format=%s", "main"])).split("\n")
    assert.equal(subjects.filter((s) => s.startsWith("Fix failing checks")).length, 1, subjects.join("\n"))
    assert.equal(yield* forge.git(["show", "main:hello.txt"]), "hello.")
  })

it.live(
  "kill -9 during FIX_CHECKS on Azure DevOps and resume: the failure gets one fix commit, not two, and the ticket merges",
  () =>
    Effect.gen(function* () {
      const pat = "emulated-pat-77aa"
      const ado = yield* startAdoEmulator({ pat, repos: [{ name: "web", files: repoFiles }] })
      yield* killDuringFixChecks({
        repoUrl: ado.repoUrl("web"),
        settings: { DEVVY_ADO_PAT: pat },
        pullRequest: Effect.map(ado.pullRequests, (prs) => prs[0].pullRequestId),
        failHead: (pr) => ado.pipeline.fail(pr, { log: failure }),
        merge: (pr) => ado.review.complete(pr),
        git: (args) => ado.git("web", args),
      })
    }),
  { sanitizeOps: false, sanitizeResources: false },
)

it.live(
  "kill -9 during FIX_CHECKS on GitHub and resume: the failure gets one fix commit, not two, and the ticket merges",
  () =>
    Effect.gen(function* () {
      const token = "ghp_emulated" + "9".repeat(28)
      const gh = yield* startGithubEmulator({ token, repos: [{ name: "web", files: repoFiles }] })
      yield* killDuringFixChecks({
        repoUrl: gh.repoUrl("web"),
        settings: { DEVVY_GITHUB_TOKEN: token, DEVVY_GITHUB_API_URL: gh.apiUrl },
        pullRequest: Effect.map(gh.issues("web"), (all) => all.filter((i) => i.pull !== undefined)[0].number),
        failHead: (pr) => gh.checks.fail("web", pr, { name: "build", conclusion: "failure", log: failure }),
        merge: (pr) => gh.review.merge("web", pr),
        git: (args) => gh.git("web", args),
      })
    }),
  { sanitizeOps: false, sanitizeResources: false },
)
