import assert from "node:assert/strict"
import { evaluationName, evaluationState, failedSteps } from "../../../../src/services/forge/ado/check_state.ts"
import {
  type AdoPolicyEvaluation,
  type AdoTimelineRecord,
  BUILD_POLICY_TYPE,
  type EvaluationStatus,
} from "../../../../src/services/forge/ado/pipeline_schemas.ts"

const HEAD = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"

const evaluation = (
  status: EvaluationStatus,
  extra: {
    readonly type?: string
    readonly isExpired?: boolean
    readonly isBlocking?: boolean
    readonly isEnabled?: boolean
    readonly source?: string
    readonly buildId?: number | null
  } = {},
): AdoPolicyEvaluation => ({
  status,
  configuration: {
    id: 41,
    type: { id: extra.type ?? BUILD_POLICY_TYPE },
    ...(extra.isBlocking === undefined ? {} : { isBlocking: extra.isBlocking }),
    ...(extra.isEnabled === undefined ? {} : { isEnabled: extra.isEnabled }),
  },
  context: {
    buildId: extra.buildId === undefined ? 9742932 : extra.buildId,
    buildDefinitionName: "web-PR",
    isExpired: extra.isExpired ?? false,
    lastMergeSourceCommitId: extra.source ?? HEAD,
  },
})

Deno.test("every policy evaluation status maps to a check state: only a rejected build is failed", () => {
  const states = Object.fromEntries(
    (["queued", "running", "approved", "rejected", "notApplicable", "broken"] as const).map((
      s,
    ) => [s, evaluationState(evaluation(s), HEAD)]),
  )
  assert.deepEqual(states, {
    queued: "pending",
    running: "pending",
    approved: "passed",
    rejected: "failed",
    notApplicable: undefined,
    broken: "pending",
  })
})

Deno.test("an expired build is not run for this head: pending, whatever the status says", () => {
  assert.equal(evaluationState(evaluation("queued", { isExpired: true }), HEAD), "pending")
  assert.equal(evaluationState(evaluation("rejected", { isExpired: true }), HEAD), "pending")
})

Deno.test("a verdict on an older commit than the head is pending: the head's build has not run yet", () => {
  const older = "0".repeat(40)
  assert.equal(evaluationState(evaluation("rejected", { source: older }), HEAD), "pending")
  assert.equal(evaluationState(evaluation("approved", { source: older }), HEAD), "pending")
  assert.equal(evaluationState(evaluation("rejected", { source: HEAD.toUpperCase() }), HEAD), "failed")
})

Deno.test("policies that are not required builds are not checks", () => {
  const reviewers = "fa4e907d-c16b-4a4c-9dfa-4906e5d171dd"
  assert.equal(evaluationState(evaluation("rejected", { type: reviewers }), HEAD), undefined)
  assert.equal(evaluationState(evaluation("rejected", { isBlocking: false }), HEAD), undefined)
  assert.equal(evaluationState(evaluation("rejected", { isEnabled: false }), HEAD), undefined)
  assert.equal(evaluationState(evaluation("rejected", { isBlocking: true, isEnabled: true }), HEAD), "failed")
})

Deno.test("a rejection with no build to read is not a failure devvy can act on", () => {
  assert.equal(evaluationState(evaluation("rejected", { buildId: null }), HEAD), "pending")
})

Deno.test("the check is named after its pipeline", () => {
  assert.equal(evaluationName(evaluation("rejected")), "web-PR")
})

const record = (
  id: string,
  parentId: string | null,
  type: string,
  result: string | null,
  logId: number | null,
  order = 1,
): AdoTimelineRecord => ({
  id,
  parentId,
  type,
  name: `${type} ${id}`,
  order,
  result,
  log: logId === null ? null : { id: logId },
  issues: result === "failed" ? [{ type: "error", message: `${id} broke` }, { type: "warning", message: "meh" }] : [],
})

Deno.test("the failed steps are the deepest failed records with a log, not their job, phase and stage", () => {
  const steps = failedSteps([
    record("stage", null, "Stage", "failed", 1),
    record("phase", "stage", "Phase", "failed", null),
    record("job", "phase", "Job", "failed", 9),
    record("lint", "job", "Task", "failed", 5, 4),
    record("build", "job", "Task", "succeeded", 3, 3),
    record("test", "job", "Task", "failed", 6, 5),
    record("publish", "job", "Task", "skipped", null, 6),
  ])
  assert.deepEqual(steps, [
    { name: "Task lint", logId: 5, issues: ["lint broke"] },
    { name: "Task test", logId: 6, issues: ["test broke"] },
  ])
})

Deno.test("a build that failed before any step logged gives its failed record without a log", () => {
  const steps = failedSteps([
    record("stage", null, "Stage", "failed", null),
    record("job", "stage", "Job", "failed", null),
  ])
  assert.deepEqual(steps, [{ name: "Job job", logId: undefined, issues: ["job broke"] }])
})
