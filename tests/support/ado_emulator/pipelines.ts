/**
 * The emulator's build validation: one build policy per repository, whose pipeline runs on every new head
 * of a pull request's source branch (reference: github-workitems-checks.md §4). A head nothing was
 * injected for builds green; a test makes the current head fail with a log, keeps it running, or lets
 * its build expire. State lives beside the organization's, keyed by it, so the shared state stays as it is.
 */
import { Effect } from "effect"
import { resolveRef } from "../git_server/git.ts"
import { guid, now, type PullRequestRecord, type RepoRecord } from "./model.ts"
import type { EmulatorState } from "./state.ts"

/** A failing step of a pipeline, as a test injects it. */
export interface PipelineFailure {
  /** The failing task's name in the timeline. Defaults to `Run tests`. */
  readonly task?: string
  /** Its log, one line per line; the emulator prefixes each with a timestamp as the agents do. */
  readonly log: string
}

export interface TimelineRecordRecord {
  readonly id: string
  readonly parentId: string | null
  readonly type: "Stage" | "Phase" | "Job" | "Task"
  readonly name: string
  readonly order: number
  readonly result: "succeeded" | "failed" | "skipped" | null
  readonly logId: number | null
  readonly issues: ReadonlyArray<string>
}

export interface BuildRecord {
  readonly id: number
  readonly buildNumber: string
  readonly pullRequestId: number
  readonly repoId: string
  /** The pull request's head commit the build ran for. */
  readonly sourceSha: string
  readonly targetSha: string
  readonly definition: { readonly id: number; readonly name: string }
  status: "notStarted" | "inProgress" | "completed"
  result: "succeeded" | "failed" | null
  readonly queueTime: string
  finishTime: string | null
  /** The evaluation points at this build but it ran too long ago: queued again, isExpired. */
  expired: boolean
  readonly records: ReadonlyArray<TimelineRecordRecord>
  /** Log id → its lines, already with timestamps. */
  readonly logs: ReadonlyMap<number, ReadonlyArray<string>>
}

export type PendingStatus = "queued" | "running"

/** What the next build of a pull request does. */
type Plan =
  | { readonly _tag: "Fail"; readonly failure: PipelineFailure; readonly always: boolean }
  | { readonly _tag: "Pending"; readonly status: PendingStatus }

const timestamped = (text: string, start: number): ReadonlyArray<string> =>
  text.replace(/\n$/, "").split("\n").map((line, i) =>
    `${new Date(start + i * 7).toISOString().replace("Z", "0000Z")} ${line}`
  )

export class PipelineState {
  readonly builds: Array<BuildRecord> = []
  /** Pull request id → what its builds do from now on (none: they pass). */
  readonly plans = new Map<number, Plan>()
  private nextBuild = 9_742_900
  /** The build policy's configuration id, one per repository. */
  readonly configurationIds = new Map<string, number>()
  /** Repositories without a build policy: their pipeline still builds each head, on a pull request trigger. */
  readonly withoutPolicy = new Set<string>()
  /** Pull requests whose new heads are not built yet: the pipeline has not queued them. */
  readonly paused = new Set<number>()

  constructor(readonly org: EmulatorState) {}

  definitionOf(repo: RepoRecord): { readonly id: number; readonly name: string } {
    const index = this.org.repos.indexOf(repo)
    return { id: 10_300 + index, name: `${repo.name}-PR` }
  }

  configurationOf(repo: RepoRecord): number {
    const known = this.configurationIds.get(repo.id)
    if (known !== undefined) return known
    const id = 40 + this.configurationIds.size
    this.configurationIds.set(repo.id, id)
    return id
  }

  /** The build of the pull request's current head: queued by the push that made it, here made on first sight. */
  async currentBuild(pr: PullRequestRecord): Promise<BuildRecord | undefined> {
    const repo = this.org.repos.find((r) => r.id === pr.repoId)
    if (repo === undefined) return undefined
    const sha = await resolveRef(repo.bareDir, pr.sourceRefName)
    if (sha === undefined) return undefined
    const target = await resolveRef(repo.bareDir, pr.targetRefName) ?? sha
    // No await between the look and the run: a build a test started meanwhile is found, not overtaken.
    const latest = this.builds.findLast((b) => b.pullRequestId === pr.pullRequestId && b.sourceSha === sha)
    if (latest === undefined && this.paused.has(pr.pullRequestId)) {
      return this.builds.findLast((b) => b.pullRequestId === pr.pullRequestId)
    }
    return latest ?? this.run(pr, repo, sha, target)
  }

  /** Starts a build of `sha` whose outcome is the pull request's plan, as a push or a re-queue does. */
  run(pr: PullRequestRecord, repo: RepoRecord, sha: string, targetSha: string): BuildRecord {
    const plan = this.plans.get(pr.pullRequestId)
    if (plan?._tag === "Fail" && !plan.always) this.plans.delete(pr.pullRequestId)
    const id = this.nextBuild++
    const start = Date.now()
    const failure = plan?._tag === "Fail" ? plan.failure : undefined
    const pending = plan?._tag === "Pending" ? plan.status : undefined
    const [stage, phase, job] = [guid(), guid(), guid()]
    const failedTask = failure?.task ?? "Run tests"
    const steps = [
      "Initialize job",
      `Checkout ${repo.name}@${pr.sourceRefName}`,
      "Install",
      failedTask,
      "Publish results",
      "Finalize Job",
    ]
    const logs = new Map<number, ReadonlyArray<string>>()
    const taskRecords = steps.map((name, i): TimelineRecordRecord => {
      const fails = failure !== undefined && name === failedTask
      const skipped = failure !== undefined && i > steps.indexOf(failedTask) && name !== "Finalize Job"
      const lines = fails
        ? timestamped(failure.log, start + i * 1000)
        : timestamped(`${name}\nFinishing: ${name}`, start)
      if (!skipped) logs.set(i + 1, lines)
      return {
        id: guid(),
        parentId: job,
        type: "Task",
        name,
        order: i + 1,
        result: pending !== undefined ? null : fails ? "failed" : skipped ? "skipped" : "succeeded",
        logId: skipped ? null : i + 1,
        issues: fails ? ["Bash exited with code '1'."] : [],
      }
    })
    // The job's own log is every step's, one after another.
    const jobLog = steps.length + 1
    logs.set(jobLog, [...logs.values()].flat())
    const outcome = pending !== undefined ? null : failure !== undefined ? "failed" : "succeeded"
    const build: BuildRecord = {
      id,
      buildNumber: `20260101.${id % 100}`,
      pullRequestId: pr.pullRequestId,
      repoId: repo.id,
      sourceSha: sha,
      targetSha,
      definition: this.definitionOf(repo),
      status: pending === "queued" ? "notStarted" : pending === "running" ? "inProgress" : "completed",
      result: outcome,
      queueTime: now(),
      finishTime: outcome === null ? null : now(),
      expired: false,
      records: [
        {
          id: stage,
          parentId: null,
          type: "Stage",
          name: "__default",
          order: 1,
          result: outcome,
          logId: null,
          issues: [],
        },
        { id: phase, parentId: stage, type: "Phase", name: "Job", order: 1, result: outcome, logId: null, issues: [] },
        {
          id: job,
          parentId: phase,
          type: "Job",
          name: "Job",
          order: 1,
          result: outcome,
          logId: jobLog,
          issues: failure === undefined ? [] : ["Bash exited with code '1'."],
        },
        ...taskRecords,
      ],
      logs: pending === "queued" ? new Map() : logs,
    }
    this.builds.push(build)
    return build
  }
}

const pipelines = new WeakMap<EmulatorState, PipelineState>()

export const pipelinesOf = (org: EmulatorState): PipelineState => {
  const known = pipelines.get(org)
  if (known !== undefined) return known
  const made = new PipelineState(org)
  pipelines.set(org, made)
  return made
}

/** What tests do to a pull request's pipeline, as the CI of the repository would. */
export interface PipelineControls {
  /**
   * The pipeline fails on the pull request's current head with this log (a re-run when it already ran);
   * with `always`, every later head fails the same way too. A head pushed afterwards passes otherwise.
   */
  readonly fail: (
    pullRequestId: number,
    failure: PipelineFailure & { readonly always?: boolean },
  ) => Effect.Effect<number>
  /** The current head's build is waiting for an agent (`queued`) or running (`running`) until `pass` or `fail`. */
  readonly hold: (pullRequestId: number, status: PendingStatus) => Effect.Effect<number>
  /** The current head builds again and passes; later heads pass too. */
  readonly pass: (pullRequestId: number) => Effect.Effect<number>
  /** The current head's build outlives the policy's valid duration: queued, isExpired. */
  readonly expire: (pullRequestId: number) => Effect.Effect<void>
  /** The repository has no build policy; its pipeline still builds every pull request head on the merge ref. */
  readonly dropPolicy: (repo: string) => Effect.Effect<void>
  /** Heads pushed from now on are not built until `fail`, `hold` or `pass` runs the current one. */
  readonly pause: (pullRequestId: number) => Effect.Effect<void>
  /** Every build run so far, oldest first. */
  readonly builds: (pullRequestId: number) => Effect.Effect<ReadonlyArray<BuildRecord>>
}

export const pipelineControls = (org: EmulatorState): PipelineControls => {
  const state = pipelinesOf(org)
  const prOf = (id: number) => {
    const pr = org.pullRequest(id)
    const repo = pr && org.repos.find((r) => r.id === pr.repoId)
    if (pr === undefined || repo === undefined) throw new Error(`the emulator has no pull request ${id}`)
    return { pr, repo }
  }
  const rerun = async (id: number) => {
    state.paused.delete(id)
    const { pr, repo } = prOf(id)
    const sha = await resolveRef(repo.bareDir, pr.sourceRefName)
    if (sha === undefined) throw new Error(`pull request ${id} has no source branch`)
    return state.run(pr, repo, sha, await resolveRef(repo.bareDir, pr.targetRefName) ?? sha).id
  }
  return {
    fail: (id, { always, ...failure }) =>
      Effect.promise(() => {
        state.plans.set(id, { _tag: "Fail", failure, always: always === true })
        return rerun(id)
      }),
    hold: (id, status) =>
      Effect.promise(() => {
        state.plans.set(id, { _tag: "Pending", status })
        return rerun(id).finally(() => state.plans.delete(id))
      }),
    pass: (id) =>
      Effect.promise(() => {
        state.plans.delete(id)
        return rerun(id)
      }),
    expire: (id) =>
      Effect.promise(async () => {
        const build = await state.currentBuild(prOf(id).pr)
        if (build === undefined) throw new Error(`pull request ${id} has no build`)
        build.expired = true
      }),
    dropPolicy: (name) =>
      Effect.sync(() => {
        const repo = org.findRepo(name)
        if (repo === undefined) throw new Error(`the emulator has no repository ${name}`)
        state.withoutPolicy.add(repo.id)
      }),
    pause: (id) => Effect.sync(() => void state.paused.add(id)),
    builds: (id) => Effect.sync(() => structuredClone(state.builds.filter((b) => b.pullRequestId === id))),
  }
}
