/** The Azure DevOps forge (Services and Server): the Forge port over REST 7.1 with a PAT. */
import type { HttpClient } from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { AppConfig, requireSetting } from "../../config/AppConfig.ts"
import type { ConfigMissing, ConfigRequired } from "../../config/ConfigError.ts"
import { Forge, type NewPullRequest, type ThreadStatus } from "../Forge.ts"
import { type ForgeError, ForgeNotFound } from "../ForgeError.ts"
import { capText, foundOr, onceSucceeded, postOnce } from "../forge_effects.ts"
import type { AdoRepoUrl } from "../repo_url.ts"
import { makeAdoChecks } from "./ado_checks.ts"
import { basicAuth, makeAdoHttp } from "./ado_http.ts"
import { adoIdentity } from "./identity.ts"
import { stripHeads, toPullRequest, toRepository, toThread } from "./mapping.ts"
import { AdoComment, AdoPullRequest, AdoRepository, AdoThread, ListOf } from "./schemas.ts"

export interface AdoForgeOptions {
  /** `https://dev.azure.com/{org}` or a Server collection URL, without a trailing slash. */
  readonly orgUrl: string
  readonly project: string
  readonly repo: string
  readonly pat: Redacted.Redacted<string>
}

/** Azure DevOps refuses longer descriptions. */
export const MAX_DESCRIPTION = 4000
export const capDescription = capText(MAX_DESCRIPTION)

const isDuplicate = (error: ForgeError): boolean =>
  error._tag === "ForgeRejected" && (error.status === 409 || error.status === 400) &&
  /TF401179|GitPullRequestExistsException/.test(error.detail)

export const make = Effect.fn("AdoForge.make")(function* (options: AdoForgeOptions) {
  const send = yield* makeAdoHttp(options.pat)
  const apis = `${options.orgUrl}/${encodeURIComponent(options.project)}/_apis`
  const repoApi = `${apis}/git/repositories/${encodeURIComponent(options.repo)}`
  const cloneUrl = `${options.orgUrl}/${encodeURIComponent(options.project)}/_git/${encodeURIComponent(options.repo)}`
  const prApi = (number: number) => `${repoApi}/pullRequests/${number}`

  const identity = yield* adoIdentity(send, options.orgUrl)

  const repository = yield* onceSucceeded(
    Effect.gen(function* () {
      const what = `repository "${options.repo}" in project "${options.project}"`
      const repo = yield* send({ method: "GET", url: repoApi, what, schema: AdoRepository })
      if (repo.defaultBranch === undefined) {
        return yield* new ForgeNotFound({ what: `a default branch in ${what} (it has no commits yet)`, url: repoApi })
      }
      return toRepository(repo, cloneUrl, stripHeads(repo.defaultBranch))
    }).pipe(Effect.withSpan("Ado.repository")),
  )

  const findPullRequest = Effect.fn("Ado.findPullRequest")(function* (sourceBranch: string) {
    const { webUrl } = yield* repository
    const { value } = yield* send({
      method: "GET",
      url: `${repoApi}/pullrequests`,
      query: { "searchCriteria.sourceRefName": `refs/heads/${sourceBranch}`, "searchCriteria.status": "active" },
      what: `pull requests of ${sourceBranch}`,
      schema: ListOf(AdoPullRequest),
    })
    return Option.map(Option.fromNullable(value[0]), (pr) => toPullRequest(pr, webUrl))
  })

  const createPullRequest = Effect.fn("Ado.createPullRequest")(function* (input: NewPullRequest) {
    const existing = yield* findPullRequest(input.sourceBranch)
    if (Option.isSome(existing)) return existing.value
    const { webUrl } = yield* repository
    return yield* send({
      method: "POST",
      url: `${repoApi}/pullrequests`,
      what: `branch ${input.sourceBranch}`,
      schema: AdoPullRequest,
      body: {
        sourceRefName: `refs/heads/${input.sourceBranch}`,
        targetRefName: `refs/heads/${input.targetBranch}`,
        title: input.title,
        description: capDescription(input.description),
        ...(input.workItemIds === undefined || input.workItemIds.length === 0
          ? {}
          : { workItemRefs: input.workItemIds.map((id) => ({ id: String(id) })) }),
      },
    }).pipe(
      Effect.map((pr) => toPullRequest(pr, webUrl)),
      // Another run got there between the lookup and the create: theirs is ours.
      Effect.catchIf(isDuplicate, (error) => foundOr(findPullRequest(input.sourceBranch), Effect.fail(error))),
    )
  })

  const pullRequest = Effect.fn("Ado.pullRequest")(function* (number: number) {
    const { webUrl } = yield* repository
    const pr = yield* send({
      method: "GET",
      url: prApi(number),
      what: `pull request ${number}`,
      schema: AdoPullRequest,
    })
    return toPullRequest(pr, webUrl)
  })

  const threads = Effect.fn("Ado.threads")(function* (number: number) {
    const own = yield* identity
    const { value } = yield* send({
      method: "GET",
      url: `${prApi(number)}/threads`,
      what: `pull request ${number}`,
      schema: ListOf(AdoThread),
    })
    return value.flatMap((thread) => Option.toArray(toThread(thread, own.id)))
  })

  /**
   * The last comment of a thread, if devvy wrote it with this content: a reply whose answer was lost
   * (a 500 or a dropped connection after the server acted) must not be posted twice.
   */
  const alreadyReplied = Effect.fnUntraced(function* (number: number, threadId: string, content: string) {
    const own = yield* identity
    const thread = yield* send({
      method: "GET",
      url: `${prApi(number)}/threads/${encodeURIComponent(threadId)}`,
      what: `thread ${threadId} of pull request ${number}`,
      schema: AdoThread,
    })
    const last = thread.comments.filter((c) => c.isDeleted !== true).at(-1)
    return last !== undefined && last.content === content && last.author?.id.toLowerCase() === own.id.toLowerCase()
      ? Option.some(String(last.id))
      : Option.none()
  })

  const reply = Effect.fn("Ado.reply")(function* (number: number, threadId: string, content: string) {
    const post = send({
      method: "POST",
      url: `${prApi(number)}/threads/${encodeURIComponent(threadId)}/comments`,
      what: `thread ${threadId} of pull request ${number}`,
      schema: AdoComment,
      body: { content, parentCommentId: 1, commentType: "text" },
      idempotent: false,
    }).pipe(Effect.map((comment) => String(comment.id)))
    return yield* postOnce(post, alreadyReplied(number, threadId, content))
  })

  const setThreadStatus = Effect.fn("Ado.setThreadStatus")(
    function* (number: number, threadId: string, status: ThreadStatus) {
      yield* send({
        method: "PATCH",
        url: `${prApi(number)}/threads/${encodeURIComponent(threadId)}`,
        what: `thread ${threadId} of pull request ${number}`,
        schema: AdoThread,
        body: { status },
      })
    },
  )

  const { checks, comment } = makeAdoChecks(send, { apis, pullRequest: prApi })

  return Forge.of({
    kind: "ado",
    identity,
    repository,
    findPullRequest,
    createPullRequest,
    pullRequest,
    threads,
    reply,
    setThreadStatus,
    checks,
    comment,
    gitAuthHeader: Option.some(Redacted.make(`Authorization: ${Redacted.value(basicAuth(options.pat))}`)),
  })
})

/**
 * The forge for a ticket's repository, its URL already parsed (with the configured organization and
 * project settling a Server URL that leaves them ambiguous). The PAT comes from the configuration.
 */
export const layer = (
  repo: AdoRepoUrl,
): Layer.Layer<Forge, ConfigMissing | ConfigRequired, AppConfig | HttpClient> =>
  Layer.effect(
    Forge,
    Effect.gen(function* () {
      const config = yield* AppConfig
      const pat = yield* requireSetting(config, "ado.pat", config.ado.pat)
      return yield* make({ orgUrl: repo.orgUrl, project: repo.project, repo: repo.repo, pat })
    }),
  )
