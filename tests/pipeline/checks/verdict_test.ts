import assert from "node:assert/strict"
import { Effect } from "effect"
import { afterPoll, type CheckRounds, checksVerdict, giveUpNotice } from "../../../src/pipeline/checks/verdict.ts"
import { noCheckRounds as noRounds } from "../../../src/services/store/CheckRounds.ts"
import type { Check, CheckState } from "../../../src/services/forge/Forge.ts"

const check = (name: string, state: CheckState): Check => ({ name, state, log: Effect.succeed("") })
const head = "feedface".repeat(5)
const red = { headSha: head, checks: [check("build", "failed"), check("lint", "passed")] }

Deno.test("a failed head commit not yet handled is fixed, with its failed checks only", () => {
  const verdict = checksVerdict(red, noRounds, 3)
  assert.equal(verdict._tag, "Fix")
  assert.deepEqual(verdict._tag === "Fix" ? verdict.failed.map((c) => c.name) : [], ["build"])
})

Deno.test("a head commit already handled is not fixed again, by a second poll or after a crash", () => {
  const handled: CheckRounds = { used: 1, handledSha: head, open: false, notice: null }
  assert.equal(checksVerdict(red, handled, 3)._tag, "Wait")
  assert.equal(checksVerdict({ ...red, headSha: "beef".repeat(10) }, handled, 3)._tag, "Fix")
})

Deno.test("green checks, running checks and a failure while others still run are all waited for", () => {
  assert.equal(checksVerdict({ headSha: head, checks: [] }, noRounds, 3)._tag, "Wait")
  assert.equal(checksVerdict({ headSha: head, checks: [check("build", "passed")] }, noRounds, 3)._tag, "Wait")
  assert.equal(checksVerdict({ headSha: head, checks: [check("build", "pending")] }, noRounds, 3)._tag, "Wait")
  const mixed = { headSha: head, checks: [check("build", "failed"), check("e2e", "pending")] }
  assert.equal(checksVerdict(mixed, noRounds, 3)._tag, "Wait")
})

Deno.test("after max rounds devvy gives up once, naming what still fails, and then only waits", () => {
  const used: CheckRounds = { used: 3, handledSha: "0".repeat(40), open: false, notice: null }
  const verdict = checksVerdict(red, used, 3)
  assert.equal(verdict._tag, "GiveUp")
  assert.equal(checksVerdict(red, { ...used, notice: "posting" }, 3)._tag, "GiveUp")
  assert.equal(checksVerdict(red, { ...used, notice: "posted" }, 3)._tag, "Wait")
  assert.equal(checksVerdict(red, { ...used, used: 2 }, 3)._tag, "Fix")
  assert.equal(checksVerdict(red, noRounds, 0)._tag, "GiveUp")
})

Deno.test("review comments come before red checks when both wait", () => {
  const fix = checksVerdict(red, noRounds, 3)
  assert.equal(afterPoll(true, fix), "RESPOND_TO_REVIEW")
  assert.equal(afterPoll(false, fix), "FIX_CHECKS")
  assert.equal(afterPoll(false, checksVerdict(red, { ...noRounds, used: 3 }, 3)), "FIX_CHECKS")
  assert.equal(afterPoll(false, { _tag: "Wait", reason: "checks green" }), undefined)
  assert.equal(afterPoll(true, { _tag: "Wait", reason: "checks green" }), "RESPOND_TO_REVIEW")
})

Deno.test("the give-up notice names every check that still fails and the rounds tried", () => {
  const notice = giveUpNotice([check("build", "failed"), check("e2e", "failed")], 3)
  assert.match(notice, /3 times/)
  assert.match(notice, /^- build$/m)
  assert.match(notice, /^- e2e$/m)
})
