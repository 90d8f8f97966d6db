/**
 * A local GitHub (Enterprise Server style) for tests, following github-workitems-checks.md §1–§3.
 *
 * `startGithubEmulator(options)` (scoped: it stops and deletes its repositories when the scope closes)
 * serves on 127.0.0.1 with a random port:
 * - REST at `apiUrl` = `http://127.0.0.1:PORT/api/v3`: `GET /user`; `GET /repos/{o}/{r}`; pulls (list with
 *   `state`/`head=owner:branch`/`base` — a bare-branch `head` is ignored, list items lack `merged` —, create with
 *   GitHub's 422 bodies, get, patch); review comments (`line: null` once outdated, `in_reply_to_id`), replies,
 *   reviews (every line comment brings an empty-bodied COMMENTED review, as on GitHub); issues (pull requests
 *   included, with a `pull_request` key), issue comments, labels; check runs, combined status, statuses;
 *   Actions jobs and their logs (302 to `logUrl`, another origin that refuses an Authorization header).
 *   Every repository route also answers at `/repositories/{id}/…`, the form the `Link` headers use.
 * - git smart HTTP at `http://127.0.0.1:PORT/{owner}/{repo}.git` through `git http-backend`, taking the token
 *   as Basic auth (`x-access-token:TOKEN`, actions/checkout's header) or Bearer.
 *
 * Faithful quirks: `Authorization: Bearer|token` checked (401 "Bad credentials"), 404 for a repository the
 * token cannot see, 403 without a `User-Agent`, `x-ratelimit-*` headers on every API answer, `Link`
 * pagination with pages of at most `maxPageSize` (default 2), injected primary/secondary limits and 5xx
 * (`limit`), mergeability `null` on the first read after a change, combined status `pending` with no statuses.
 * Every request (logs included) is recorded with its full URL, headers and body (`requests`).
 *
 * Tests play people through `review` (line comments, replies, issue comments, reviews, each with a login,
 * `type` and `author_association`; merge with a real git merge; close), CI through `checks` (a commit with
 * nothing injected passes its `defaultChecks`), and open (or closed) issues with `createIssue`.
 */
import { Effect, type Scope } from "effect"
import { makeTempDir } from "../temp_home.ts"
import { git } from "../git_server/git.ts"
import { basicPassword, serveGitHttp } from "../git_server/http_backend.ts"
import type { GithubEmulator, GithubEmulatorOptions, RecordedRequest, TokenGrant } from "./api.ts"
import { apiError, json, RateLimits } from "./http.ts"
import { startLogHost } from "./logs.ts"
import { handleApi } from "./rest.ts"
import { type Author, GithubState } from "./state.ts"
import { testControls } from "./controls.ts"

export type * from "./api.ts"

const API_VERSIONS = ["2022-11-28", "2026-03-10"]

const userAgentMissing = () =>
  new Response(
    "Request forbidden by administrative rules. Please make sure your request has a User-Agent header " +
      "(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). " +
      "Check https://developer.github.com for other possible causes.\n",
    { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } },
  )

/** The token of a request: `Bearer`/`token` schemes, or the password of Basic auth (git's form). */
const tokenOf = (header: string | null): string | undefined =>
  /^(?:bearer|token)\s+(\S+)$/i.exec(header ?? "")?.[1] ?? basicPassword(header)

export const startGithubEmulator = (
  options: GithubEmulatorOptions,
): Effect.Effect<GithubEmulator, never, Scope.Scope> =>
  Effect.gen(function* () {
    const root = yield* makeTempDir("github-emulator-")
    const owner = options.owner ?? "acme"
    const state = new GithubState(root, options.defaultChecks ?? ["build"])
    const grants: Array<TokenGrant> = [
      { token: options.token, login: options.login ?? "devvy-bot" },
      ...options.tokens ?? [],
    ]
    const limits = new RateLimits()
    const recorded: Array<RecordedRequest> = []
    const record = (request: Request, body: string, status: number) =>
      recorded.push({
        method: request.method,
        url: request.url,
        headers: Object.fromEntries(request.headers),
        body,
        status,
      })

    const logs = yield* startLogHost(state, options.logLinkSeconds ?? 60, record)

    const viewerOf = (grant: TokenGrant): Author => ({
      user: state.user(grant.login, "User"),
      association: grant.association ?? "MEMBER",
    })
    const canSee = (grant: TokenGrant | undefined) => (repo: { owner: string; name: string; private: boolean }) =>
      grant === undefined ? !repo.private : grant.repos === undefined ||
        grant.repos.some((r) => r.toLowerCase() === `${repo.owner}/${repo.name}`.toLowerCase())

    const serveApi = async (request: Request, segments: ReadonlyArray<string>, text: string): Promise<Response> => {
      const ua = request.headers.get("user-agent")
      if (ua === null || ua.trim() === "") return userAgentMissing()
      const version = request.headers.get("x-github-api-version")
      if (version !== null && !API_VERSIONS.includes(version)) {
        return apiError(
          410,
          `API version '${version}' is not supported.`,
          "https://docs.github.com/rest/about-the-rest-api/api-versions",
        )
      }
      const header = request.headers.get("authorization")
      const token = tokenOf(header)
      const grant = grants.find((g) => g.token === token)
      if (header !== null && grant === undefined) return apiError(401, "Bad credentials")
      const { headers, blocked } = limits.take(grant?.login ?? "anonymous")
      const common = {
        ...headers,
        "x-github-api-version-selected": "2022-11-28",
        "x-github-media-type": "github.v3; format=json",
        "x-github-request-id": crypto.randomUUID().toUpperCase(),
        "x-github-enterprise-version": "3.17.0",
      }
      if (blocked) return withHeaders(blocked, common)
      let body: unknown = undefined
      try {
        body = text === "" ? undefined : JSON.parse(text)
      } catch {
        return withHeaders(apiError(400, "Problems parsing JSON"), common)
      }
      const response = await handleApi({
        state,
        urls,
        request,
        body,
        viewer: grant && viewerOf(grant),
        canSee: canSee(grant),
        maxPageSize: options.maxPageSize ?? 2,
        logLocation: logs.location,
      }, segments)
      return withHeaders(response, common)
    }

    const serveGit = (request: Request, segments: ReadonlyArray<string>): Promise<Response> | Response => {
      const name = segments[1].replace(/\.git$/, "")
      const repo = state.findRepo(segments[0], name)
      const grant = grants.find((g) => g.token === tokenOf(request.headers.get("authorization")))
      if (grant === undefined) {
        return new Response(
          "Invalid username or token. Password authentication is not supported for Git operations.\n",
          {
            status: 401,
            headers: { "www-authenticate": 'Basic realm="GitHub"' },
          },
        )
      }
      if (repo === undefined || !canSee(grant)(repo)) return new Response("Repository not found.\n", { status: 404 })
      const pathInfo = `/${[repo.folder, ...segments.slice(2)].join("/")}`
      return serveGitHttp(request, { projectRoot: root, pathInfo, remoteUser: grant.login })
    }

    const server = yield* Effect.acquireRelease(
      Effect.sync(() =>
        Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
          const url = new URL(request.url)
          const segments = url.pathname.split("/").filter((s) => s !== "").map((s) => decodeURIComponent(s))
          const isApi = segments[0] === "api" && segments[1] === "v3"
          const isGit = !isApi && segments.length >= 3 &&
            /^(info\/refs|git-upload-pack|git-receive-pack)$/.test(segments.slice(2).join("/"))
          const text = isGit ? "" : await request.text()
          const response = await Promise.resolve()
            .then(() =>
              isApi
                ? serveApi(request, segments.slice(2), text)
                : isGit
                ? serveGit(request, segments)
                : apiError(404, "Not Found")
            )
            .catch((error: unknown) => json(500, { message: `emulator failure: ${String(error)}` }))
          record(request, text, response.status)
          return response
        })
      ),
      (server) => Effect.promise(() => server.shutdown()),
    )
    const webUrl = `http://127.0.0.1:${server.addr.port}`
    const urls = { web: webUrl, api: `${webUrl}/api/v3` }

    const full = (repo: string) => repo.includes("/") ? repo : `${owner}/${repo}`
    const seed = (repo: { name: string; private?: boolean } & Parameters<GithubState["addRepo"]>[3]) => {
      const [o, n] = full(repo.name).split("/")
      return Effect.promise(() => state.addRepo(o, n, repo.private ?? true, repo)).pipe(Effect.asVoid)
    }
    for (const repo of options.repos ?? []) yield* seed(repo)
    const { repoOf, controls } = testControls(state, full)

    return {
      webUrl,
      apiUrl: urls.api,
      logUrl: logs.url,
      owner,
      login: grants[0].login,
      repoUrl: (repo) => `${webUrl}/${full(repo)}`,
      cloneUrl: (repo) => `${webUrl}/${full(repo)}.git`,
      bareRepoPath: (repo) => repoOf(repo).bareDir,
      seedRepo: seed,
      git: (repo, args) => Effect.promise(() => git(repoOf(repo).bareDir, args)),
      limit: (limit) => Effect.sync(() => limits.inject(limit)),
      requests: Effect.sync(() => structuredClone(recorded)),
      clearRequests: Effect.sync(() => void recorded.splice(0)),
      ...controls,
    } satisfies GithubEmulator
  })

const withHeaders = (response: Response, headers: Record<string, string>): Response => {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value)
  return response
}
