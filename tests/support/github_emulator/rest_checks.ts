/** Check runs, commit statuses and Actions job logs (reference §2). */
import { resolveRef } from "../git_server/git.ts"
import { apiError, json, notFound, paginate } from "./http.ts"
import type { CheckRunRecord, StatusRecord } from "./model.ts"
import { checkRunJson, jobJson, statusJson } from "./payloads.ts"
import type { RepoRequest } from "./rest.ts"

const DOCS = "https://docs.github.com/rest"
const LOG_DOCS = `${DOCS}/actions/workflow-jobs#download-job-logs-for-a-workflow-run`

/** Keeps the newest run per name, as `filter=latest` (the default) does. */
const latest = (runs: ReadonlyArray<CheckRunRecord>) =>
  runs.filter((run) => !runs.some((other) => other.name === run.name && other.id > run.id))

/** Only the newest status per context counts (§2.2). */
const latestStatuses = (statuses: ReadonlyArray<StatusRecord>) =>
  statuses.filter((s) => !statuses.some((other) => other.context === s.context && other.id > s.id))

const combinedState = (statuses: ReadonlyArray<StatusRecord>) => {
  if (statuses.some((s) => s.state === "error" || s.state === "failure")) return "failure"
  // With no statuses at all the combined state is pending, even when every check run passed (§2.2).
  if (statuses.length === 0 || statuses.some((s) => s.state === "pending")) return "pending"
  return "success"
}

export const handleChecks = async (context: RepoRequest): Promise<Response> => {
  const { state, urls, url, method, repo, tail } = context
  if (method !== "GET") return notFound()

  if (tail[0] === "commits" && tail.length === 3) {
    const ref = decodeURIComponent(tail[1])
    const sha = await resolveRef(repo.bareDir, ref) ?? await resolveRef(repo.bareDir, `refs/heads/${ref}`)
    if (sha === undefined) return apiError(422, `No commit found for SHA: ${ref}`, `${DOCS}/commits/commits`)
    const statuses = state.statuses.filter((s) => s.repoId === repo.id && s.sha === sha).toReversed()

    if (tail[2] === "check-runs") {
      const all = state.checkRunsFor(repo, sha)
      const name = url.searchParams.get("check_name")
      const status = url.searchParams.get("status")
      const runs = (url.searchParams.get("filter") === "all" ? all : latest(all)).filter((run) =>
        (name === null || run.name === name) && (status === null || run.status === status)
      )
      const { page, headers } = paginate(url, runs.toReversed(), {
        maxPageSize: context.maxPageSize,
        linkPath: `${urls.api}/repositories/${repo.id}/commits/${sha}/check-runs`,
      })
      return json(200, { total_count: runs.length, check_runs: page.map((r) => checkRunJson(urls, repo, r)) }, headers)
    }
    if (tail[2] === "statuses") return context.list(statuses.map((s) => statusJson(urls, repo, s)))
    if (tail[2] === "status") {
      const current = latestStatuses(statuses)
      return json(200, {
        state: combinedState(current),
        statuses: current.map((s) => statusJson(urls, repo, s)),
        sha,
        total_count: current.length,
        repository: { id: repo.id, name: repo.name, full_name: `${repo.owner}/${repo.name}` },
        commit_url: `${urls.api}/repos/${repo.owner}/${repo.name}/commits/${sha}`,
        url: `${urls.api}/repos/${repo.owner}/${repo.name}/commits/${sha}/status`,
      })
    }
    return notFound()
  }

  if (tail[0] === "check-runs" && tail.length === 2) {
    const run = state.checkRuns.find((r) => r.repoId === repo.id && String(r.id) === tail[1])
    return run === undefined
      ? notFound(`${DOCS}/checks/runs#get-a-check-run`)
      : json(200, checkRunJson(urls, repo, run))
  }

  if (tail[0] === "actions" && tail[1] === "jobs" && (tail.length === 3 || tail[3] === "logs")) {
    const run = state.checkRuns.find((r) =>
      r.repoId === repo.id && String(r.id) === tail[2] && r.app === "github-actions"
    )
    if (run === undefined) return notFound(`${DOCS}/actions/workflow-jobs#get-a-job-for-a-workflow-run`)
    if (tail.length === 3) return json(200, jobJson(urls, repo, run))
    if (tail.length !== 4) return notFound()
    // Logs past their retention answer 410 with this body (observed on the live API).
    if (run.logsExpired) return apiError(410, "Server Error", LOG_DOCS)
    // Logs exist only once the job has completed (§2.3).
    if (run.status !== "completed") return notFound(LOG_DOCS)
    return new Response(null, { status: 302, headers: { location: context.logLocation(run.id) } })
  }
  return notFound()
}
