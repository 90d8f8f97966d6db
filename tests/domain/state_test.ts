import assert from "node:assert/strict"
import { canTransition, IllegalTransition, isTerminal, State, transitions } from "../../src/domain/State.ts"
import { isTicketId, randomTicketId } from "../../src/domain/TicketId.ts"

Deno.test("the happy path of SPEC §1 is a chain of legal transitions", () => {
  const path = [
    "RECEIVED",
    "PREPARE_ENV",
    "PLAN",
    "IMPLEMENT",
    "VALIDATE",
    "CREATE_PR",
    "WAIT_FOR_REVIEW",
    "MERGED",
  ] as const
  for (let i = 0; i + 1 < path.length; i++) {
    assert.ok(canTransition(path[i], path[i + 1]), `${path[i]} → ${path[i + 1]}`)
  }
})

Deno.test("the review loop goes back through VALIDATE when code changed, or straight to waiting when not", () => {
  assert.ok(canTransition("WAIT_FOR_REVIEW", "RESPOND_TO_REVIEW"))
  assert.ok(canTransition("RESPOND_TO_REVIEW", "VALIDATE"))
  assert.ok(canTransition("VALIDATE", "WAIT_FOR_REVIEW"))
  assert.ok(canTransition("RESPOND_TO_REVIEW", "WAIT_FOR_REVIEW"))
})

Deno.test("red CI leads from waiting to FIX_CHECKS, whose change goes through VALIDATE, or back to waiting", () => {
  assert.ok(canTransition("WAIT_FOR_REVIEW", "FIX_CHECKS"))
  assert.ok(canTransition("FIX_CHECKS", "VALIDATE"))
  assert.ok(canTransition("FIX_CHECKS", "WAIT_FOR_REVIEW"))
  assert.equal(canTransition("FIX_CHECKS", "MERGED"), false)
  assert.equal(canTransition("RESPOND_TO_REVIEW", "FIX_CHECKS"), false)
})

Deno.test("every live state can fail or be cancelled, and terminal states go nowhere", () => {
  for (const state of State.literals) {
    if (isTerminal(state)) {
      assert.equal(transitions[state].size, 0, state)
    } else {
      assert.ok(canTransition(state, "FAILED"), `${state} → FAILED`)
      assert.ok(canTransition(state, "CANCELLED"), `${state} → CANCELLED`)
    }
  }
})

Deno.test("skipping a state is illegal and the error names what is allowed", () => {
  assert.equal(canTransition("RECEIVED", "PLAN"), false)
  assert.equal(canTransition("PLAN", "MERGED"), false)
  assert.equal(canTransition("MERGED", "FAILED"), false)
  const error = new IllegalTransition({ from: "PLAN", to: "MERGED" })
  assert.match(error.message, /PLAN cannot move to MERGED \(allowed: IMPLEMENT, FAILED, CANCELLED\)/)
})

Deno.test("ticket ids are exactly 6 lowercase hex characters", () => {
  for (const good of ["abcdef", "012345", "3fa9c2"]) assert.ok(isTicketId(good), good)
  for (const bad of ["ABCDEF", "abcde", "abcdefa", "abcdeg", "../etc", "", " abcdef"]) assert.ok(!isTicketId(bad), bad)
  for (let i = 0; i < 100; i++) assert.ok(isTicketId(randomTicketId()))
})
