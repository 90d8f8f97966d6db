/**
 * A local Azure DevOps for tests: the REST endpoints devvy calls and git's smart HTTP at `/_git/`, on
 * 127.0.0.1 with a random port, behind the same Basic-auth PAT check. Tests seed repositories, inject
 * faults, play the reviewer and read back every request it got.
 */
import { Effect, type Scope } from "effect"
import { makeTempDir } from "../temp_home.ts"
import type { AdoEmulator, AdoEmulatorOptions, Fault, RecordedRequest } from "./api.ts"
import { git } from "../git_server/git.ts"
import { basicPassword, serveGitHttp } from "../git_server/http_backend.ts"
import { errorBody, guid, type IdentityRef } from "./model.ts"
import { handleRest, json } from "./rest.ts"
import { pipelineControls } from "./pipelines.ts"
import { statusControls } from "./statuses.ts"
import { EmulatorState } from "./state.ts"

export type * from "./api.ts"

const signInPage = `<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head>
<body><form action="https://login.microsoftonline.com/" method="post"><p>Sign in to your account</p></form></body></html>`

const faultResponse = (fault: Fault): Response => {
  const retry: Record<string, string> = fault.retryAfterSeconds === undefined
    ? {}
    : { "retry-after": String(fault.retryAfterSeconds) }
  switch (fault.status) {
    case 203:
      return new Response(signInPage, { status: 203, headers: { "content-type": "text/html; charset=utf-8" } })
    case 401:
      return json(
        401,
        errorBody("TF400813: The user '' is not authorized to access this resource.", "UnauthorizedRequestException"),
        {
          "www-authenticate": 'Basic realm="https://dev.azure.com/"',
        },
      )
    case 429:
      return json(429, errorBody("TF400733: The request has been throttled.", "RequestBlockedException"), {
        ...retry,
        "x-ratelimit-resource": "Core",
        "x-ratelimit-delay": "5.0",
        "x-ratelimit-remaining": "0",
      })
    default:
      return json(
        fault.status,
        errorBody("TF246017: The service is temporarily unavailable.", "ServiceUnavailable"),
        retry,
      )
  }
}

const authorized = (request: Request, pat: string): boolean =>
  basicPassword(request.headers.get("authorization")) === pat

const die = <A>(f: () => A): Effect.Effect<A> => Effect.sync(f)

/** Starts the emulator; it stops, and its repositories are deleted, when the scope closes. */
export const startAdoEmulator = (options: AdoEmulatorOptions): Effect.Effect<AdoEmulator, never, Scope.Scope> =>
  Effect.gen(function* () {
    const root = yield* makeTempDir("ado-emulator-")
    const org = options.org ?? "org"
    const project = options.project ?? "proj"
    const faults: Array<Fault & { remaining: number }> = []
    const recorded: Array<RecordedRequest> = []
    let useSignInPage = options.signInPage ?? false
    const owner: IdentityRef = { id: guid(), displayName: "devvy agent", uniqueName: "devvy@example.invalid" }
    const reviewer: IdentityRef = { id: guid(), displayName: "Rita Reviewer", uniqueName: "rita@example.invalid" }
    const system: IdentityRef = {
      id: guid(),
      displayName: `[${org}]\\Project Collection Service Accounts`,
      uniqueName: "vstfs:///Framework/IdentityDomain/service",
      isContainer: true,
    }

    const handle = async (request: Request, text: string): Promise<Response> => {
      const url = new URL(request.url)
      const segments = url.pathname.split("/").filter((s) => s !== "").map((s) => decodeURIComponent(s))
      const isGit = segments[2]?.toLowerCase() === "_git"

      const fault = faults.find((f) =>
        f.remaining > 0 && url.pathname.toLowerCase().includes((f.path ?? "").toLowerCase())
      )
      if (fault) fault.remaining--
      if (fault && fault.status !== 200 && fault.afterProcessing !== true) return faultResponse(fault)

      if (!authorized(request, options.pat)) {
        if (isGit) {
          return new Response("Unauthorized", { status: 401, headers: { "www-authenticate": 'Basic realm="ADO"' } })
        }
        const suppressed = request.headers.get("x-tfs-fedauthredirect")?.toLowerCase() === "suppress"
        return faultResponse({ status: useSignInPage && !suppressed ? 203 : 401 })
      }
      if (segments[0]?.toLowerCase() !== org.toLowerCase()) {
        return json(404, errorBody(`The organization ${segments[0] ?? ""} does not exist.`, "HostNotFoundException"))
      }

      if (isGit) {
        const repo = segments[1]?.toLowerCase() === project.toLowerCase()
          ? state.findRepo(segments[3] ?? "")
          : undefined
        if (repo === undefined) return new Response("repository not found", { status: 404 })
        const pathInfo = `/${[repo.folder, ...segments.slice(4)].join("/")}`
        return serveGitHttp(request, { projectRoot: root, pathInfo, remoteUser: owner.uniqueName })
      }

      let body: unknown = undefined
      try {
        body = text === "" ? undefined : JSON.parse(text)
      } catch {
        return json(400, errorBody("The request body is not valid JSON.", "InvalidArgumentValueException"))
      }
      const response = await handleRest(state, request, segments.slice(1), body)
      if (fault?.afterProcessing === true && fault.status !== 200) return faultResponse(fault)
      if (fault?.retryAfterSeconds !== undefined) response.headers.set("retry-after", String(fault.retryAfterSeconds))
      return response
    }

    const server = yield* Effect.acquireRelease(
      Effect.sync(() =>
        Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
          const url = new URL(request.url)
          const isGit = /^\/[^/]+\/[^/]+\/_git\//i.test(url.pathname)
          const body = isGit ? "" : await request.text()
          const response = await handle(request, body).catch((error) =>
            json(500, errorBody(`emulator failure: ${String(error)}`, "EmulatorException"))
          )
          recorded.push({
            method: request.method,
            path: url.pathname + url.search,
            headers: Object.fromEntries(request.headers),
            body,
            status: response.status,
          })
          return response
        })
      ),
      (server) => Effect.promise(() => server.shutdown()),
    )
    const baseUrl = `http://127.0.0.1:${server.addr.port}`
    const orgUrl = `${baseUrl}/${encodeURIComponent(org)}`
    const state = new EmulatorState({ orgUrl, projectId: guid(), projectName: project }, root, owner)
    for (const seed of options.repos ?? []) yield* Effect.promise(() => state.addRepo(seed.name, seed))

    const repoOf = (name: string) => {
      const repo = state.findRepo(name)
      if (repo === undefined) throw new Error(`the emulator has no repository ${name}`)
      return repo
    }
    const prOf = (id: number) => {
      const pr = state.pullRequest(id)
      if (pr === undefined) throw new Error(`the emulator has no pull request ${id}`)
      return pr
    }
    const threadOf = (prId: number, threadId: number) => {
      const thread = state.thread(prId, threadId)
      if (thread === undefined) throw new Error(`pull request ${prId} has no thread ${threadId}`)
      return thread
    }

    return {
      baseUrl,
      orgUrl,
      project,
      owner,
      reviewer,
      repoUrl: (repo) => `${orgUrl}/${encodeURIComponent(project)}/_git/${encodeURIComponent(repo)}`,
      bareRepoPath: (repo) => repoOf(repo).bareDir,
      seedRepo: (name, source) => Effect.promise(() => state.addRepo(name, source)).pipe(Effect.asVoid),
      git: (repo, args) => Effect.promise(() => git(repoOf(repo).bareDir, args)),
      injectFault: (fault) => die(() => void faults.push({ ...fault, remaining: fault.times ?? 1 })),
      setSignInPage: (on) => die(() => void (useSignInPage = on)),
      requests: die(() => structuredClone(recorded)),
      clearRequests: die(() => void recorded.splice(0)),
      staleListings: (times) => die(() => void (state.staleListings = times)),
      pullRequests: die(() => structuredClone(state.pullRequests)),
      threads: (id) => die(() => structuredClone(state.threadsOf(id))),
      pipeline: pipelineControls(state),
      statuses: statusControls(state),
      addWorkItem: (item) => die(() => state.addWorkItem(item).id),
      workItem: (id) =>
        die(() => {
          const item = state.workItem(id)
          if (item === undefined) throw new Error(`the emulator has no work item ${id}`)
          return structuredClone(item)
        }),
      review: {
        comment: (prId, { content, filePath, line, author }) =>
          die(() => {
            prOf(prId)
            const threadContext = filePath === undefined ? null : {
              filePath: filePath.startsWith("/") ? filePath : `/${filePath}`,
              ...(line === undefined ? {} : { rightFileStart: { line, offset: 1 }, rightFileEnd: { line, offset: 1 } }),
            }
            const properties = {
              "Microsoft.TeamFoundation.Discussion.SupportsMarkdown": { $type: "System.Int32", $value: 1 },
            }
            return state.addThread(prId, {
              author: author ?? reviewer,
              content,
              status: "active",
              threadContext,
              properties,
            }).id
          }),
        reply: (prId, threadId, content, author) =>
          die(() => state.addComment(threadOf(prId, threadId), { author: author ?? reviewer, content }, 1).id),
        systemThread: (prId, content, type = "VoteUpdate") =>
          die(() => {
            prOf(prId)
            const properties = { CodeReviewThreadType: { $type: "System.String", $value: type } }
            return state.addThread(prId, { author: system, content, commentType: "system", properties }).id
          }),
        deleteComment: (prId, threadId, commentId) =>
          die(() => {
            const comment = threadOf(prId, threadId).comments.find((c) => c.id === commentId)
            if (comment === undefined) throw new Error(`thread ${threadId} has no comment ${commentId}`)
            comment.isDeleted = true
          }),
        setThreadStatus: (prId, threadId, status) => die(() => void (threadOf(prId, threadId).status = status)),
        complete: (prId) => Effect.promise(() => state.complete(prOf(prId), reviewer)),
        abandon: (prId) => die(() => state.abandon(prOf(prId))),
      },
    } satisfies AdoEmulator
  })
