import assert from "node:assert/strict"
import { Effect } from "effect"
import type { AdoEmulator } from "../../../support/ado_emulator/emulator.ts"
import { it } from "../../../support/effect_test.ts"
import { HttpLive, newPullRequest, PAT, pushCommit, setup } from "./fixture.ts"

const get = (url: string, accept = "application/json") =>
  Effect.promise(async () => {
    const response = await fetch(url, { headers: { authorization: `Basic ${btoa(":" + PAT)}`, accept } })
    return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() }
  })

const getJson = (url: string) =>
  Effect.map(get(url), (r) => {
    assert.equal(r.status, 200, r.text)
    return JSON.parse(r.text)
  })

/** The API root of the fixture's project, by its id as the artifact id names it. */
const apis = (emulator: AdoEmulator) => `${emulator.orgUrl}/My%20Project/_apis`

const projectId = (emulator: AdoEmulator) =>
  Effect.map(getJson(`${apis(emulator)}/git/repositories/web?api-version=7.1`), (repo) => String(repo.project.id))

interface Evaluation {
  readonly status: string
  readonly configuration: { readonly type: { readonly id: string; readonly displayName: string } }
  readonly context: null | {
    readonly buildId: number
    readonly isExpired: boolean
    readonly lastMergeSourceCommitId: string
  }
}

const buildEvaluation = (emulator: AdoEmulator, pr: number) =>
  Effect.gen(function* () {
    const artifactId = `vstfs:///CodeReview/CodeReviewId/${yield* projectId(emulator)}/${pr}`
    const url = `${apis(emulator)}/policy/evaluations?artifactId=${encodeURIComponent(artifactId)}` +
      `&api-version=7.1-preview.1`
    const { value } = yield* getJson(url)
    const evaluations: ReadonlyArray<Evaluation> = value
    const build = evaluations.find((e) => e.configuration.type.displayName === "Build")
    assert.ok(build, "a build policy evaluation")
    return { build, all: evaluations }
  })

it.live(
  "a pull request's build policy passes on a head nothing was injected for, beside other policy types",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const pr = yield* forge.createPullRequest(newPullRequest)
      const { build, all } = yield* buildEvaluation(emulator, pr.number)
      assert.equal(build.status, "approved")
      assert.equal(build.configuration.type.id, "0609b952-1397-4640-95ec-e00a01b2c241")
      assert.equal(build.context?.lastMergeSourceCommitId, yield* emulator.git("web", ["rev-parse", "agent/abc123"]))
      assert.ok(all.some((e) => e.configuration.type.displayName === "Minimum number of reviewers"))
      const details = yield* getJson(`${apis(emulator)}/build/builds/${build.context?.buildId}?api-version=7.1`)
      assert.equal(details.result, "succeeded")
      assert.equal(details.sourceBranch, `refs/pull/${pr.number}/merge`)
    }),
  HttpLive,
)

it.live(
  "policy evaluations are a preview resource: plain 7.1 is refused as Azure DevOps does",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const pr = yield* forge.createPullRequest(newPullRequest)
      const artifactId = `vstfs:///CodeReview/CodeReviewId/${yield* projectId(emulator)}/${pr.number}`
      const refused = yield* get(
        `${apis(emulator)}/policy/evaluations?artifactId=${encodeURIComponent(artifactId)}&api-version=7.1`,
      )
      assert.equal(refused.status, 400)
      assert.equal(JSON.parse(refused.text).typeKey, "VssInvalidPreviewVersionException")
    }),
  HttpLive,
)

it.live(
  "an injected failure rejects the evaluation; the failed task's timeline record leads to its timestamped log",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const pr = yield* forge.createPullRequest(newPullRequest)
      yield* emulator.pipeline.fail(pr.number, { task: "Lint", log: "eslint: 2 problems\nsrc/a.ts:1 no-var" })
      const { build } = yield* buildEvaluation(emulator, pr.number)
      assert.equal(build.status, "rejected")
      assert.equal(build.context?.isExpired, false)
      const buildApi = `${apis(emulator)}/build/builds/${build.context?.buildId}`
      const { records } = yield* getJson(`${buildApi}/timeline?api-version=7.1`)
      const failed = records.filter((r: { result: string }) => r.result === "failed")
      assert.deepEqual(failed.map((r: { type: string }) => r.type).sort(), ["Job", "Phase", "Stage", "Task"])
      const task = failed.find((r: { type: string }) => r.type === "Task")
      assert.equal(task.name, "Lint")
      assert.equal(task.issues[0].type, "error")
      const log = yield* get(`${buildApi}/logs/${task.log.id}?api-version=7.1`, "text/plain")
      assert.match(log.type, /text\/plain/)
      assert.match(log.text, /^\d{4}-\d\d-\d\dT[\d:.]+Z eslint: 2 problems\n\S+Z src\/a\.ts:1 no-var$/)
      const tail = yield* get(`${buildApi}/logs/${task.log.id}?startLine=2&endLine=2&api-version=7.1`, "text/plain")
      assert.match(tail.text, /^\S+Z src\/a\.ts:1 no-var$/)
      const { value: logs } = yield* getJson(`${buildApi}/logs?api-version=7.1`)
      assert.equal(logs.find((l: { id: number }) => l.id === task.log.id).lineCount, 2)
      // Steps after the failed one are skipped and have no log.
      const skipped = records.filter((r: { result: string }) => r.result === "skipped")
      assert.ok(skipped.length > 0 && skipped.every((r: { log: unknown }) => r.log === null))
    }),
  HttpLive,
)

it.live(
  "a new head without an injected failure builds green; a failure injected with always fails every head",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const pr = yield* forge.createPullRequest(newPullRequest)
      yield* emulator.pipeline.fail(pr.number, { log: "boom" })
      const failed = (yield* buildEvaluation(emulator, pr.number)).build
      assert.equal(failed.status, "rejected")
      const head = yield* pushCommit(emulator, "fix")
      const fixed = (yield* buildEvaluation(emulator, pr.number)).build
      assert.equal(fixed.status, "approved")
      assert.equal(fixed.context?.lastMergeSourceCommitId, head)
      assert.notEqual(fixed.context?.buildId, failed.context?.buildId)
      yield* emulator.pipeline.fail(pr.number, { log: "still broken", always: true })
      yield* pushCommit(emulator, "another try")
      assert.equal((yield* buildEvaluation(emulator, pr.number)).build.status, "rejected")
      assert.equal((yield* emulator.pipeline.builds(pr.number)).length, 4)
    }),
  HttpLive,
)

it.live(
  "a build still queued or running is not a verdict, and an expired build shows as queued with isExpired",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const pr = yield* forge.createPullRequest(newPullRequest)
      yield* emulator.pipeline.hold(pr.number, "running")
      assert.equal((yield* buildEvaluation(emulator, pr.number)).build.status, "running")
      yield* emulator.pipeline.hold(pr.number, "queued")
      assert.equal((yield* buildEvaluation(emulator, pr.number)).build.status, "queued")
      yield* emulator.pipeline.fail(pr.number, { log: "boom" })
      yield* emulator.pipeline.expire(pr.number)
      const expired = (yield* buildEvaluation(emulator, pr.number)).build
      assert.equal(expired.status, "queued")
      assert.equal(expired.context?.isExpired, true)
    }),
  HttpLive,
)
