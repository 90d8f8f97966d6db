/** The checks of an Azure DevOps pull request that no build policy reports: statuses, and a pipeline's own PR build. */
import assert from "node:assert/strict"
import { Effect } from "effect"
import { it } from "../../../support/effect_test.ts"
import { HttpLive, newPullRequest, pushCommit, setup } from "./fixture.ts"

const sonar = { name: "quality-gate", genre: "sonarcloud" }

it.live(
  "a failed status another service posted is a failed check named by its context, whose log is its description and link",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const pr = yield* forge.createPullRequest(newPullRequest)
      yield* emulator.statuses.post(pr.number, {
        state: "failed",
        context: sonar,
        description: "Quality gate failed: 3 new bugs",
        targetUrl: "https://sonar.example.invalid/dashboard?id=web&pullRequest=1",
      })
      yield* emulator.statuses.post(pr.number, { state: "error", context: { name: "license-scan" } })
      const { checks } = yield* forge.checks(pr.number)
      assert.deepEqual(checks.map((c) => [c.name, c.state]), [
        ["web-PR", "passed"],
        ["sonarcloud/quality-gate", "failed"],
        ["license-scan", "failed"],
      ])
      assert.equal(
        yield* checks[1].log,
        "Quality gate failed: 3 new bugs\n\nhttps://sonar.example.invalid/dashboard?id=web&pullRequest=1",
      )
      assert.equal(yield* checks[2].log, "The check reported no details.")
    }),
  HttpLive,
)

it.live(
  "only the latest status of each context counts, and a pending one keeps the checks pending",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const pr = yield* forge.createPullRequest(newPullRequest)
      const states = Effect.map(forge.checks(pr.number), ({ checks }) => checks.map((c) => [c.name, c.state]))
      yield* emulator.statuses.post(pr.number, { state: "failed", context: sonar })
      yield* emulator.statuses.post(pr.number, { state: "succeeded", context: sonar })
      assert.deepEqual(yield* states, [["web-PR", "passed"], ["sonarcloud/quality-gate", "passed"]])
      yield* emulator.statuses.post(pr.number, { state: "pending", context: sonar })
      assert.deepEqual(yield* states, [["web-PR", "passed"], ["sonarcloud/quality-gate", "pending"]])
      yield* emulator.statuses.post(pr.number, { state: "failed", context: sonar })
      yield* emulator.statuses.post(pr.number, { state: "notApplicable", context: { name: "docs-only" } })
      assert.deepEqual(yield* states, [["web-PR", "passed"], ["sonarcloud/quality-gate", "failed"]])
      assert.equal((yield* emulator.statuses.list(pr.number)).length, 5, "statuses are added, never replaced")
    }),
  HttpLive,
)

it.live(
  "a status about an earlier head is no check of the new one: posted on an older iteration, or on the pull request before the push",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const pr = yield* forge.createPullRequest(newPullRequest)
      yield* emulator.statuses.post(pr.number, { state: "failed", context: sonar })
      yield* emulator.statuses.post(pr.number, { state: "failed", context: { name: "lint" }, iterationId: "none" })
      const before = yield* forge.checks(pr.number)
      assert.deepEqual(before.checks.map((c) => c.state), ["passed", "failed", "failed"])
      yield* pushCommit(emulator, "fix")
      const after = yield* forge.checks(pr.number)
      assert.deepEqual(after.checks.map((c) => c.name), ["web-PR"])
      assert.deepEqual((yield* emulator.statuses.iterations(pr.number)).map((i) => i.id), [1, 2])
      // The service reports on the new head: on its iteration, and on the pull request as a whole.
      yield* emulator.statuses.post(pr.number, { state: "failed", context: sonar })
      yield* emulator.statuses.post(pr.number, { state: "pending", context: { name: "lint" }, iterationId: "none" })
      const reported = yield* forge.checks(pr.number)
      assert.deepEqual(reported.checks.map((c) => [c.name, c.state]), [
        ["web-PR", "passed"],
        ["sonarcloud/quality-gate", "failed"],
        ["lint", "pending"],
      ])
    }),
  HttpLive,
)

it.live(
  "without a build policy the latest build of the merge ref is the check, and a failed one gives its step's log",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      yield* emulator.pipeline.dropPolicy("web")
      const pr = yield* forge.createPullRequest(newPullRequest)
      yield* emulator.pipeline.hold(pr.number, "running")
      // A second run of the same head: the newest is the one that counts, not the first the list holds.
      yield* emulator.pipeline.fail(pr.number, { task: "Type check", log: "error TS2304: Cannot find name 'foo'." })
      const { checks } = yield* forge.checks(pr.number)
      assert.deepEqual(checks.map((c) => [c.name, c.state]), [["web-PR / Type check", "failed"]])
      assert.match(yield* checks[0].log, /error TS2304: Cannot find name 'foo'\.$/)
      const requests = yield* emulator.requests
      assert.ok(requests.some((r) => r.path.includes("/build/builds?") && r.path.includes("refs%2Fpull%2F1%2Fmerge")))
    }),
  HttpLive,
)

it.live(
  "without a build policy a running build is pending, and a build of an older head is no check at all",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      yield* emulator.pipeline.dropPolicy("web")
      const pr = yield* forge.createPullRequest(newPullRequest)
      const states = Effect.map(forge.checks(pr.number), ({ checks }) => checks.map((c) => c.state))
      yield* emulator.pipeline.hold(pr.number, "running")
      assert.deepEqual(yield* states, ["pending"])
      yield* emulator.pipeline.fail(pr.number, { log: "boom" })
      assert.deepEqual(yield* states, ["failed"])
      yield* emulator.pipeline.pause(pr.number)
      yield* pushCommit(emulator, "fix")
      assert.deepEqual(yield* states, [], "the failed build is of the head before the push")
      yield* emulator.pipeline.pass(pr.number)
      assert.deepEqual(yield* states, ["passed"])
    }),
  HttpLive,
)

it.live("with a build policy the merge ref's builds are not read a second time", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    const pr = yield* forge.createPullRequest(newPullRequest)
    yield* emulator.pipeline.fail(pr.number, { log: "boom" })
    const { checks } = yield* forge.checks(pr.number)
    assert.deepEqual(checks.map((c) => c.name), ["web-PR / Run tests"])
    assert.ok((yield* emulator.requests).every((r) => !r.path.includes("/build/builds?")))
  }), HttpLive)
