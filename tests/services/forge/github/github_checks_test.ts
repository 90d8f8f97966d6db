import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import assert from "node:assert/strict"
import { Effect } from "effect"
import { githubOnEmulator } from "./emulator_fixture.ts"
import { it } from "../../../support/effect_test.ts"

const token = "ghp_emulated" + "7".repeat(28)
const newPullRequest = { sourceBranch: "agent/abc123", targetBranch: "main", title: "Say hello", description: "Why" }

/** The emulator with `acme/web`, a pull request from `agent/abc123`, and the forge over it. */
const setup = Effect.gen(function* () {
  const { gh, forge } = yield* githubOnEmulator({ token })
  const pr = yield* forge.createPullRequest(newPullRequest)
  return { gh, forge, pr: pr.number }
})

it.live(
  "the head's check runs pass when nothing failed, and are read for the pull request's head commit",
  () =>
    Effect.gen(function* () {
      const { gh, forge, pr } = yield* setup
      const { headSha, checks } = yield* forge.checks(pr)
      assert.equal(headSha, yield* gh.git("web", ["rev-parse", "refs/heads/agent/abc123"]))
      assert.deepEqual(checks.map((c) => [c.name, c.state]), [["build", "passed"]])
    }),
  FetchHttpClient.layer,
)

it.live(
  "a failed Actions job's log is fetched through its redirect, and the storage host never sees the token",
  () =>
    Effect.gen(function* () {
      const { gh, forge, pr } = yield* setup
      yield* gh.checks.fail("web", pr, {
        name: "build",
        conclusion: "failure",
        log:
          "2026-01-01T00:00:00.0000000Z npm test\n2026-01-01T00:00:01.0000000Z ##[error]Process completed with exit code 1.\n",
      })
      const { checks } = yield* forge.checks(pr)
      const build = checks.find((c) => c.name === "build")
      assert.equal(build?.state, "failed")
      assert.match(yield* build!.log, /##\[error\]Process completed with exit code 1\./)
      const requests = yield* gh.requests
      const toStorage = requests.filter((r) => r.url.startsWith(gh.logUrl))
      assert.equal(toStorage.length, 1)
      assert.equal(toStorage[0].status, 200)
      assert.ok(!("authorization" in toStorage[0].headers), "no Authorization header to the storage host")
      assert.ok(requests.some((r) => /\/actions\/jobs\/\d+\/logs$/.test(r.url) && r.status === 302))
    }),
  FetchHttpClient.layer,
)

it.live(
  "every failing conclusion is a failure; a check still running is pending; a new head passes",
  () =>
    Effect.gen(function* () {
      const { gh, forge, pr } = yield* setup
      for (const conclusion of ["timed_out", "cancelled", "action_required", "startup_failure"] as const) {
        yield* gh.checks.fail("web", pr, { name: conclusion, conclusion })
      }
      yield* gh.checks.fail("web", pr, { name: "e2e", status: "in_progress", conclusion: null })
      const states = Object.fromEntries((yield* forge.checks(pr)).checks.map((c) => [c.name, c.state]))
      assert.deepEqual(states, {
        build: "passed",
        timed_out: "failed",
        cancelled: "failed",
        action_required: "failed",
        startup_failure: "failed",
        e2e: "pending",
      })
      const tree = yield* gh.git("web", ["rev-parse", "agent/abc123^{tree}"])
      const next = yield* gh.git("web", ["commit-tree", tree, "-p", "agent/abc123", "-m", "fix"])
      yield* gh.git("web", ["update-ref", "refs/heads/agent/abc123", next])
      const after = yield* forge.checks(pr)
      assert.equal(after.headSha, next)
      assert.deepEqual(after.checks.map((c) => [c.name, c.state]), [["build", "passed"]])
    }),
  FetchHttpClient.layer,
)

it.live(
  "a check from another app gives its output instead of a log; a commit status counts as a check",
  () =>
    Effect.gen(function* () {
      const { gh, forge, pr } = yield* setup
      yield* gh.checks.fail("web", pr, {
        name: "lint (external)",
        app: "circleci-checks",
        title: "3 lint errors",
        summary: "src/a.ts:1 no-var",
      })
      yield* gh.checks.setStatus("web", "agent/abc123", { context: "ci/jenkins", state: "failure" })
      const { checks } = yield* forge.checks(pr)
      const external = checks.find((c) => c.name === "lint (external)")
      assert.equal(external?.state, "failed")
      assert.match(yield* external!.log, /3 lint errors\n\nsrc\/a\.ts:1 no-var/)
      assert.equal(checks.find((c) => c.name === "ci/jenkins")?.state, "failed")
      assert.ok(!(yield* gh.requests).some((r) => r.url.includes("/actions/jobs/")), "no job log is asked for")
    }),
  FetchHttpClient.layer,
)

it.live(
  "a job whose logs passed their retention is an error the caller can report, not a crash",
  () =>
    Effect.gen(function* () {
      const { gh, forge, pr } = yield* setup
      const job = yield* gh.checks.fail("web", pr, { name: "build", conclusion: "failure", log: "x" })
      yield* gh.checks.expireLogs(job)
      const build = (yield* forge.checks(pr)).checks.find((c) => c.name === "build")
      const error = yield* Effect.flip(build!.log)
      assert.equal(error._tag, "ForgeRejected")
    }),
  FetchHttpClient.layer,
)

it.live("a comment on the pull request is an issue comment by devvy", () =>
  Effect.gen(function* () {
    const { gh, forge, pr } = yield* setup
    yield* forge.comment(pr, "Still failing: build")
    const comments = yield* gh.issueComments("web", pr)
    assert.deepEqual(comments.map((c) => c.body), ["Still failing: build"])
    const threads = yield* forge.threads(pr)
    assert.ok(threads.some((t) => t.comments.some((c) => c.isOwn && c.content === "Still failing: build")))
  }), FetchHttpClient.layer)
