import assert from "node:assert/strict"
import { actionsJobId, checkRunState, commitStatusState } from "../../../../src/services/forge/github/check_state.ts"

Deno.test("every completed check-run conclusion maps to failed, passed or pending", () => {
  const conclusions = [
    "failure",
    "timed_out",
    "cancelled",
    "action_required",
    "startup_failure",
    "success",
    "neutral",
    "skipped",
    "stale",
  ]
  assert.deepEqual(Object.fromEntries(conclusions.map((c) => [c, checkRunState("completed", c)])), {
    failure: "failed",
    timed_out: "failed",
    cancelled: "failed",
    action_required: "failed",
    startup_failure: "failed",
    success: "passed",
    neutral: "passed",
    skipped: "passed",
    stale: "pending",
  })
  assert.equal(checkRunState("completed", null), "pending")
})

Deno.test("a check run not completed is pending whatever its conclusion field holds", () => {
  for (const status of ["queued", "in_progress", "waiting", "pending", "requested"]) {
    assert.equal(checkRunState(status, null), "pending", status)
    assert.equal(checkRunState(status, "failure"), "pending", status)
  }
})

Deno.test("commit statuses error and failure are failed, pending is pending, success passed", () => {
  assert.deepEqual(["error", "failure", "pending", "success"].map(commitStatusState), [
    "failed",
    "failed",
    "pending",
    "passed",
  ])
})

Deno.test("only a GitHub Actions check run is a job with a log; its id is the job id", () => {
  assert.equal(actionsJobId({ id: 40000001, app: { slug: "github-actions" } }), 40000001)
  assert.equal(actionsJobId({ id: 40000002, app: { slug: "circleci-checks" } }), undefined)
  assert.equal(actionsJobId({ id: 40000003, app: null }), undefined)
})
