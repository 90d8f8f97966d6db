/**
 * The CI checks of an Azure DevOps pull request (reference: github-workitems-checks.md §4): its build policy
 * evaluations (`artifactId` built from the project id and the pull request id) or, where no build policy
 * exists, the latest build of its merge ref; the failed records of a failed build's timeline, and their
 * logs, read from the end; and the statuses other services posted on it, which policies do not include.
 * Needs the PAT's Code (read) and Build (read) scopes.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { checkOutput } from "../check_output.ts"
import type { Check, PullRequestChecks } from "../Forge.ts"
import type { ForgeError } from "../ForgeError.ts"
import { type AdoRequest, API_VERSION_PREVIEW } from "./ado_http.ts"
import {
  currentStatuses,
  evaluationName,
  evaluationState,
  type FailedStep,
  failedSteps,
  hasBuildPolicy,
  pullRequestBuildState,
  statusName,
  statusState,
} from "./check_state.ts"
import {
  AdoBuild,
  AdoBuildLog,
  AdoIteration,
  AdoPolicyEvaluation,
  AdoPullRequestHead,
  AdoPullRequestStatus,
  AdoTimeline,
} from "./pipeline_schemas.ts"
import { AdoThread, ListOf } from "./schemas.ts"

type Send = <A, I>(request: AdoRequest<A, I>) => Effect.Effect<A, ForgeError>

/** More than the tail the agent is given, so blank and cut lines at the end still leave enough. */
const LOG_LINES = 400

export const makeAdoChecks = (
  send: Send,
  urls: { readonly apis: string; readonly pullRequest: (n: number) => string },
) => {
  const buildApi = (buildId: number) => `${urls.apis}/build/builds/${buildId}`

  /** The step's log, only its last lines; a step without a log gives the errors its agent reported. */
  const stepLog = (buildId: number, step: FailedStep): Effect.Effect<string, ForgeError> =>
    step.logId === undefined
      ? Effect.succeed(step.issues.join("\n") || "The build failed before any step wrote a log.")
      : Effect.gen(function* () {
        const logId = step.logId
        const { value } = yield* send({
          method: "GET",
          url: `${buildApi(buildId)}/logs`,
          what: `the logs of build ${buildId}`,
          schema: ListOf(AdoBuildLog),
        })
        const lineCount = value.find((log) => log.id === logId)?.lineCount
        return yield* send({
          method: "GET",
          url: `${buildApi(buildId)}/logs/${logId}`,
          query: lineCount === undefined || lineCount <= LOG_LINES
            ? {}
            : { startLine: String(lineCount - LOG_LINES + 1) },
          what: `log ${logId} of build ${buildId}`,
          schema: Schema.String,
          text: true,
        })
      }).pipe(Effect.withSpan("Ado.checkLog", { attributes: { "devvy.build": buildId, "devvy.log": step.logId } }))

  const buildChecks = Effect.fnUntraced(function* (name: string, buildId: number) {
    const { records } = yield* send({
      method: "GET",
      url: `${buildApi(buildId)}/timeline`,
      what: `the timeline of build ${buildId}`,
      schema: AdoTimeline,
    })
    const steps = failedSteps(records)
    if (steps.length === 0) {
      const check: Check = {
        name,
        state: "failed",
        log: Effect.succeed(`Build ${buildId} failed; its timeline names no failed step.`),
      }
      return [check]
    }
    return steps.map((step): Check => ({
      name: `${name} / ${step.name}`,
      state: "failed",
      log: stepLog(buildId, step),
    }))
  })

  /** A build as checks: a failed one gives its failed steps with their logs, another its state alone. */
  const buildAsChecks = (name: string, state: Check["state"], buildId: number | null | undefined) =>
    state === "failed" && buildId != null
      ? buildChecks(name, buildId)
      : Effect.succeed([{ name, state, log: Effect.succeed("") } satisfies Check])

  /** Where no build policy runs a build, a pipeline with a pull request trigger builds the merge ref. */
  const pullRequestBuild = Effect.fnUntraced(function* (number: number, headSha: string) {
    const { value } = yield* send({
      method: "GET",
      url: `${urls.apis}/build/builds`,
      query: { branchName: `refs/pull/${number}/merge`, queryOrder: "queueTimeDescending", $top: "1" },
      what: `the builds of pull request ${number}`,
      schema: ListOf(AdoBuild),
    })
    const build = value[0]
    const state = build && pullRequestBuildState(build, headSha)
    if (build === undefined || state === undefined) return []
    return yield* buildAsChecks(build.definition?.name ?? `build ${build.id}`, state, build.id)
  })

  /** The statuses of the head; the iterations are read only when there are statuses to place. */
  const statusChecks = Effect.fnUntraced(function* (number: number, headSha: string) {
    const { value: statuses } = yield* send({
      method: "GET",
      url: `${urls.pullRequest(number)}/statuses`,
      what: `the statuses of pull request ${number}`,
      schema: ListOf(AdoPullRequestStatus),
    })
    if (statuses.length === 0) return []
    const { value: iterations } = yield* send({
      method: "GET",
      url: `${urls.pullRequest(number)}/iterations`,
      what: `the iterations of pull request ${number}`,
      schema: ListOf(AdoIteration),
    })
    return currentStatuses(statuses, iterations, headSha).flatMap((status): Array<Check> => {
      const state = statusState(status)
      // A status has no log to fetch: its description and link are all the service said.
      return state === undefined ? [] : [{
        name: statusName(status),
        state,
        log: Effect.succeed(checkOutput([status.description, status.targetUrl])),
      }]
    })
  })

  const checks = Effect.fn("Ado.checks")(function* (number: number) {
    const pr = yield* send({
      method: "GET",
      url: urls.pullRequest(number),
      what: `pull request ${number}`,
      schema: AdoPullRequestHead,
    })
    const headSha = pr.lastMergeSourceCommit?.commitId ?? ""
    const { value } = yield* send({
      method: "GET",
      url: `${urls.apis}/policy/evaluations`,
      query: { artifactId: `vstfs:///CodeReview/CodeReviewId/${pr.repository.project.id}/${number}` },
      apiVersion: API_VERSION_PREVIEW,
      what: `the policy evaluations of pull request ${number}`,
      schema: ListOf(AdoPolicyEvaluation),
    })
    const found: Array<Check> = []
    for (const evaluation of value) {
      const state = evaluationState(evaluation, headSha)
      if (state === undefined) continue
      found.push(...yield* buildAsChecks(evaluationName(evaluation), state, evaluation.context?.buildId))
    }
    if (!hasBuildPolicy(value)) found.push(...yield* pullRequestBuild(number, headSha))
    found.push(...yield* statusChecks(number, headSha))
    return { headSha, checks: found } satisfies PullRequestChecks
  })

  /** A thread of its own, closed: a notice for people that no comment policy holds the merge on. */
  const comment = Effect.fn("Ado.comment")(function* (number: number, content: string) {
    const thread = yield* send({
      method: "POST",
      url: `${urls.pullRequest(number)}/threads`,
      what: `pull request ${number}`,
      schema: AdoThread,
      body: { comments: [{ parentCommentId: 0, content, commentType: "text" }], status: "closed" },
      idempotent: false,
    })
    return String(thread.id)
  })

  return { checks, comment }
}
