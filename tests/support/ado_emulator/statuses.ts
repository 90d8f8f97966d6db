/**
 * A pull request's iterations and the statuses other services post on it, with the payloads Azure DevOps 7.1
 * serves (reference: github-workitems-checks.md §4). A status is never replaced: a service updates one by
 * posting another with the same context, so the list keeps every one, and a status may name the iteration
 * it speaks of or none. An iteration is a push to the source branch; here it is recorded when the emulator
 * first sees the new head, before anything else that request or control does, as the push would have.
 */
import { Effect } from "effect"
import { resolveRef } from "../git_server/git.ts"
import { errorBody, type IdentityRef, now, type PullRequestRecord } from "./model.ts"
import type { EmulatorState } from "./state.ts"

export type StatusStateName = "notSet" | "pending" | "succeeded" | "failed" | "error" | "notApplicable"

export interface IterationRecord {
  readonly id: number
  readonly sourceSha: string
  readonly targetSha: string
  readonly createdDate: string
}

/** A status as a service posts it. */
export interface NewStatus {
  readonly state: StatusStateName
  readonly context: { readonly name: string; readonly genre?: string }
  readonly description?: string
  readonly targetUrl?: string
  /** The iteration it speaks of: the current one unless told; `none` posts it on the pull request as a whole. */
  readonly iterationId?: number | "none"
}

export interface StatusRecord extends Omit<NewStatus, "iterationId"> {
  readonly id: number
  readonly iterationId?: number
  readonly createdBy: IdentityRef
  readonly creationDate: string
}

/** A service that posts on each new iteration, as a CI outside Azure Pipelines does on each push. */
export type StatusService = (iteration: IterationRecord) => NewStatus | undefined

const servicePoster: IdentityRef = {
  id: "8c3f1f7d-2b9e-4e55-9a71-0d5c6f0b4a11",
  displayName: "Quality Gate Service",
  uniqueName: "quality-gate@example.invalid",
}

class StatusState {
  readonly iterations = new Map<number, Array<IterationRecord>>()
  readonly statuses = new Map<number, Array<StatusRecord>>()
  readonly services = new Map<number, Array<StatusService>>()
  private nextStatus = new Map<number, number>()

  constructor(readonly org: EmulatorState) {}

  /** The pull request's iterations, with a new one when its source branch moved since the last. */
  async sync(pr: PullRequestRecord): Promise<ReadonlyArray<IterationRecord>> {
    const repo = this.org.repos.find((r) => r.id === pr.repoId)
    const sha = repo && await resolveRef(repo.bareDir, pr.sourceRefName)
    const target = repo && await resolveRef(repo.bareDir, pr.targetRefName)
    // No await between the look and the record: two requests at once make one iteration.
    const known = this.iterations.get(pr.pullRequestId) ?? []
    this.iterations.set(pr.pullRequestId, known)
    if (sha === undefined || known.at(-1)?.sourceSha === sha) return known
    const iteration = { id: known.length + 1, sourceSha: sha, targetSha: target ?? sha, createdDate: now() }
    known.push(iteration)
    for (const service of this.services.get(pr.pullRequestId) ?? []) {
      const status = service(iteration)
      if (status !== undefined) this.post(pr, status, servicePoster)
    }
    return known
  }

  post(pr: PullRequestRecord, status: NewStatus, createdBy: IdentityRef): StatusRecord {
    const id = (this.nextStatus.get(pr.pullRequestId) ?? 0) + 1
    this.nextStatus.set(pr.pullRequestId, id)
    const { iterationId, ...rest } = status
    const current = this.iterations.get(pr.pullRequestId)?.at(-1)?.id
    const on = iterationId === "none" ? undefined : iterationId ?? current
    const record: StatusRecord = {
      ...rest,
      id,
      ...(on === undefined ? {} : { iterationId: on }),
      createdBy,
      creationDate: now(),
    }
    const list = this.statuses.get(pr.pullRequestId) ?? []
    list.push(record)
    this.statuses.set(pr.pullRequestId, list)
    return record
  }
}

const states = new WeakMap<EmulatorState, StatusState>()

export const statusesOf = (org: EmulatorState): StatusState => {
  const known = states.get(org)
  if (known !== undefined) return known
  const made = new StatusState(org)
  states.set(org, made)
  return made
}

const identityJson = (org: EmulatorState, identity: IdentityRef) => ({
  displayName: identity.displayName,
  url: `${org.scope.orgUrl}/_apis/Identities/${identity.id}`,
  id: identity.id,
  uniqueName: identity.uniqueName,
  imageUrl: `${org.scope.orgUrl}/_api/_common/identityImage?id=${identity.id}`,
})

/** Fields a service left out are absent, not null; `updatedDate` is the creation date, as statuses never change. */
const statusJson = (org: EmulatorState, status: StatusRecord) => ({
  id: status.id,
  state: status.state,
  ...(status.description === undefined ? {} : { description: status.description }),
  context: status.context,
  creationDate: status.creationDate,
  updatedDate: status.creationDate,
  createdBy: identityJson(org, status.createdBy),
  ...(status.targetUrl === undefined ? {} : { targetUrl: status.targetUrl }),
  ...(status.iterationId === undefined ? {} : { iterationId: status.iterationId }),
})

const iterationJson = (org: EmulatorState, pr: PullRequestRecord, iteration: IterationRecord) => ({
  id: iteration.id,
  description: pr.title,
  author: identityJson(org, pr.createdBy),
  createdDate: iteration.createdDate,
  updatedDate: iteration.createdDate,
  sourceRefCommit: { commitId: iteration.sourceSha },
  targetRefCommit: { commitId: iteration.targetSha },
  commonRefCommit: { commitId: iteration.targetSha },
  hasMoreCommits: false,
  reason: iteration.id === 1 ? "create" : "push",
})

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8; api-version=7.1" },
  })
const list = (value: ReadonlyArray<unknown>) => json(200, { count: value.length, value })

const stateNames = ["notSet", "pending", "succeeded", "failed", "error", "notApplicable"] as const

/**
 * Answers `…/pullRequests/{id}/statuses` (GET, POST) and `…/pullRequests/{id}/iterations` (GET); `tail` is
 * the lower-cased path after the pull request id. Undefined for a route it does not know.
 */
export const handleStatuses = async (
  org: EmulatorState,
  request: Request,
  pr: PullRequestRecord,
  tail: ReadonlyArray<string>,
  body: unknown,
): Promise<Response | undefined> => {
  if (tail.length !== 1 || (tail[0] !== "statuses" && tail[0] !== "iterations")) return undefined
  const state = statusesOf(org)
  const iterations = await state.sync(pr)
  if (tail[0] === "iterations") {
    return request.method === "GET" ? list(iterations.map((i) => iterationJson(org, pr, i))) : undefined
  }
  if (request.method === "GET") return list((state.statuses.get(pr.pullRequestId) ?? []).map((s) => statusJson(org, s)))
  if (request.method !== "POST") return undefined
  const input = typeof body === "object" && body !== null ? body as Record<string, unknown> : {}
  const context = typeof input.context === "object" && input.context !== null
    ? input.context as Record<string, unknown>
    : {}
  if (typeof context.name !== "string" || context.name === "") {
    return json(400, errorBody("The status context name is required.", "InvalidArgumentValueException"))
  }
  const given = typeof input.state === "number" ? stateNames[input.state] : input.state
  const stateName = stateNames.find((s) => s === given) ?? "notSet"
  const iterationId = typeof input.iterationId === "number" ? input.iterationId : "none"
  if (iterationId !== "none" && !iterations.some((i) => i.id === iterationId)) {
    return json(400, errorBody(`The iteration ${iterationId} does not exist.`, "InvalidArgumentValueException"))
  }
  const text = (value: unknown) => typeof value === "string" ? value : undefined
  const genre = text(context.genre)
  const description = text(input.description)
  const targetUrl = text(input.targetUrl)
  const posted = state.post(pr, {
    state: stateName,
    context: { name: context.name, ...(genre === undefined ? {} : { genre }) },
    ...(description === undefined ? {} : { description }),
    ...(targetUrl === undefined ? {} : { targetUrl }),
    iterationId,
  }, org.owner)
  return json(200, statusJson(org, posted))
}

/** What tests do as the services that post statuses on a pull request. */
export interface StatusControls {
  /** Posts a status as a service would; returns its id. */
  readonly post: (pullRequestId: number, status: NewStatus) => Effect.Effect<number>
  /** From now on `service` decides a status for each iteration: the current one at once, then each new head. */
  readonly service: (pullRequestId: number, service: StatusService) => Effect.Effect<void>
  readonly list: (pullRequestId: number) => Effect.Effect<ReadonlyArray<StatusRecord>>
  readonly iterations: (pullRequestId: number) => Effect.Effect<ReadonlyArray<IterationRecord>>
}

export const statusControls = (org: EmulatorState): StatusControls => {
  const state = statusesOf(org)
  const prOf = (id: number) => {
    const pr = org.pullRequest(id)
    if (pr === undefined) throw new Error(`the emulator has no pull request ${id}`)
    return pr
  }
  return {
    post: (id, status) =>
      Effect.promise(async () => {
        const pr = prOf(id)
        await state.sync(pr)
        return state.post(pr, status, servicePoster).id
      }),
    service: (id, service) =>
      Effect.promise(async () => {
        const pr = prOf(id)
        const current = (await state.sync(pr)).at(-1)
        state.services.set(id, [...state.services.get(id) ?? [], service])
        const status = current && service(current)
        if (status !== undefined) state.post(pr, status, servicePoster)
      }),
    list: (id) => Effect.sync(() => structuredClone(state.statuses.get(id) ?? [])),
    iterations: (id) => Effect.promise(async () => structuredClone([...await state.sync(prOf(id))])),
  }
}
