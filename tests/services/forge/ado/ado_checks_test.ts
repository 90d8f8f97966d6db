import assert from "node:assert/strict"
import { Effect } from "effect"
import { it } from "../../../support/effect_test.ts"
import { HttpLive, newPullRequest, PAT, setup } from "./fixture.ts"

it.live(
  "a pull request nothing failed on has its build policy as one passed check of its head commit",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const pr = yield* forge.createPullRequest(newPullRequest)
      const { headSha, checks } = yield* forge.checks(pr.number)
      assert.equal(headSha, yield* emulator.git("web", ["rev-parse", "agent/abc123"]))
      assert.deepEqual(checks.map((c) => [c.name, c.state]), [["web-PR", "passed"]])
    }),
  HttpLive,
)

it.live(
  "a rejected build gives its failed step as a failed check whose log is read as plain text",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const pr = yield* forge.createPullRequest(newPullRequest)
      yield* emulator.pipeline.fail(pr.number, { task: "Type check", log: "error TS2304: Cannot find name 'foo'." })
      const { checks } = yield* forge.checks(pr.number)
      assert.deepEqual(checks.map((c) => [c.name, c.state]), [["web-PR / Type check", "failed"]])
      const log = yield* checks[0].log
      assert.match(log, /^\S+Z error TS2304: Cannot find name 'foo'\.$/)
      const requests = yield* emulator.requests
      const logRequest = requests.find((r) => /\/logs\/\d+/.test(r.path))
      assert.equal(logRequest?.headers.accept, "text/plain")
      assert.ok(requests.some((r) => r.path.includes("/policy/evaluations?") && r.path.includes("7.1-preview.1")))
      assert.ok(requests.every((r) => !r.path.includes(PAT)))
    }),
  HttpLive,
)

it.live("only the end of a long log is fetched", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    const pr = yield* forge.createPullRequest(newPullRequest)
    const log = Array.from({ length: 1000 }, (_, i) => `step output ${i + 1}`).join("\n")
    yield* emulator.pipeline.fail(pr.number, { log })
    const { checks } = yield* forge.checks(pr.number)
    const text = yield* checks[0].log
    const lines = text.split("\n")
    assert.equal(lines.length, 400)
    assert.match(lines[0], /step output 601$/)
    assert.match(lines.at(-1) ?? "", /^\S+Z step output 1000$/)
  }), HttpLive)

it.live("a build queued, running or expired is a pending check, never a failed one", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    const pr = yield* forge.createPullRequest(newPullRequest)
    const state = Effect.map(forge.checks(pr.number), ({ checks }) => checks.map((c) => c.state))
    yield* emulator.pipeline.hold(pr.number, "running")
    assert.deepEqual(yield* state, ["pending"])
    yield* emulator.pipeline.hold(pr.number, "queued")
    assert.deepEqual(yield* state, ["pending"])
    yield* emulator.pipeline.fail(pr.number, { log: "boom" })
    assert.deepEqual(yield* state, ["failed"])
    yield* emulator.pipeline.expire(pr.number)
    assert.deepEqual(yield* state, ["pending"])
  }), HttpLive)

it.live("a new head pushed after a failure builds again and its checks pass", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    const pr = yield* forge.createPullRequest(newPullRequest)
    yield* emulator.pipeline.fail(pr.number, { log: "boom" })
    const before = yield* forge.checks(pr.number)
    const tree = yield* emulator.git("web", ["rev-parse", "agent/abc123^{tree}"])
    const fix = yield* emulator.git("web", ["commit-tree", tree, "-p", "agent/abc123", "-m", "fix"])
    yield* emulator.git("web", ["update-ref", "refs/heads/agent/abc123", fix])
    const after = yield* forge.checks(pr.number)
    assert.notEqual(after.headSha, before.headSha)
    assert.equal(after.headSha, fix)
    assert.deepEqual(after.checks.map((c) => c.state), ["passed"])
  }), HttpLive)

it.live(
  "a comment on the pull request is a closed thread of devvy's own, so no comment policy holds the merge",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const pr = yield* forge.createPullRequest(newPullRequest)
      const id = yield* forge.comment(pr.number, "Still failing: web-PR")
      const threads = yield* emulator.threads(pr.number)
      assert.equal(threads.length, 1)
      assert.equal(String(threads[0].id), id)
      assert.equal(threads[0].status, "closed")
      assert.equal(threads[0].comments[0].author.id, emulator.owner.id)
      const seen = yield* forge.threads(pr.number)
      assert.ok(seen[0].comments[0].isOwn)
    }),
  HttpLive,
)
