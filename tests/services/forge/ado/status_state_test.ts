import assert from "node:assert/strict"
import {
  currentStatuses,
  hasBuildPolicy,
  pullRequestBuildState,
  statusState,
} from "../../../../src/services/forge/ado/check_state.ts"
import {
  type AdoBuild,
  type AdoPolicyEvaluation,
  type AdoPullRequestStatus,
  BUILD_POLICY_TYPE,
} from "../../../../src/services/forge/ado/pipeline_schemas.ts"

const HEAD = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"

const build = (status: AdoBuild["status"], result?: AdoBuild["result"], sourceSha = HEAD): AdoBuild => ({
  id: 7,
  status,
  ...(result === undefined ? {} : { result }),
  triggerInfo: { "pr.number": "1", "pr.sourceSha": sourceSha },
})

Deno.test("a pull request build of the head: failed fails, succeeded or partly passes, unfinished is pending", () => {
  assert.equal(pullRequestBuildState(build("completed", "failed"), HEAD), "failed")
  assert.equal(pullRequestBuildState(build("completed", "succeeded"), HEAD), "passed")
  assert.equal(pullRequestBuildState(build("completed", "partiallySucceeded"), HEAD), "passed")
  assert.equal(pullRequestBuildState(build("notStarted"), HEAD), "pending")
  assert.equal(pullRequestBuildState(build("postponed"), HEAD), "pending")
  // A result set before the build finished is not acted on: other jobs may still be running.
  assert.equal(pullRequestBuildState(build("inProgress", "failed"), HEAD), "pending")
  assert.equal(pullRequestBuildState(build("completed", "failed", HEAD.toUpperCase()), HEAD), "failed")
})

Deno.test("a pull request build of another head, of no known head, or canceled is no check", () => {
  assert.equal(pullRequestBuildState(build("completed", "failed", "0".repeat(40)), HEAD), undefined)
  assert.equal(
    pullRequestBuildState({ id: 8, status: "completed", result: "failed", triggerInfo: {} }, HEAD),
    undefined,
  )
  assert.equal(pullRequestBuildState(build("completed", "canceled"), HEAD), undefined)
})

Deno.test("an optional or disabled build policy is still a build policy, so no merge-ref build is read", () => {
  const policy = (type: string, isBlocking: boolean): AdoPolicyEvaluation => ({
    status: "rejected",
    configuration: { id: 1, isBlocking, type: { id: type } },
  })
  assert.equal(hasBuildPolicy([policy(BUILD_POLICY_TYPE.toUpperCase(), false)]), true)
  assert.equal(hasBuildPolicy([policy("fa4e907d-c16b-4a4c-9dfa-4906e5d171dd", true)]), false)
})

const status = (
  id: number,
  state: AdoPullRequestStatus["state"],
  extra: Partial<AdoPullRequestStatus> = {},
): AdoPullRequestStatus => ({ id, state, context: { name: "gate", genre: "sonar" }, ...extra })

Deno.test("every status state maps to a check state: failed and error fail, notSet and notApplicable are none", () => {
  const states = ["notSet", "pending", "succeeded", "failed", "error", "notApplicable", undefined] as const
  assert.deepEqual(states.map((s) => statusState(status(1, s))), [
    undefined,
    "pending",
    "passed",
    "failed",
    "failed",
    undefined,
    undefined,
  ])
})

Deno.test("the latest status of a context is its highest id, in whatever order the list comes", () => {
  const listed = [
    status(3, "failed"),
    status(1, "succeeded"),
    status(2, "pending"),
    status(4, "failed", {
      context: { name: "gate" },
    }),
  ]
  assert.deepEqual(currentStatuses(listed, [], HEAD).map((s) => s.id), [3, 4])
})

Deno.test("statuses of an earlier iteration, or posted on the pull request before its head was pushed, are left out", () => {
  const iterations = [
    { id: 1, sourceRefCommit: { commitId: "0".repeat(40) }, createdDate: "2026-01-01T10:00:00.000Z" },
    { id: 2, sourceRefCommit: { commitId: HEAD }, createdDate: "2026-01-01T11:00:00.000Z" },
  ]
  const listed = [
    status(1, "failed", { iterationId: 1 }),
    status(2, "failed", { context: { name: "lint" }, creationDate: "2026-01-01T10:30:00.000Z" }),
    status(3, "failed", { context: { name: "scan" }, creationDate: "2026-01-01T11:00:00.000Z" }),
    status(4, "pending", { context: { name: "docs" }, iterationId: 2 }),
  ]
  assert.deepEqual(currentStatuses(listed, iterations, HEAD).map((s) => s.id), [3, 4])
  // A later report on the old iteration does not hide the head's own.
  const late = [status(5, "failed", { iterationId: 2 }), status(6, "succeeded", { iterationId: 1 })]
  assert.deepEqual(currentStatuses(late, iterations, HEAD).map((s) => s.id), [5])
})
