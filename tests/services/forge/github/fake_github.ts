/**
 * A fake HttpClient answering like GitHub's REST API from a script, recording every request. No network:
 * the real client and forge run over it. Routes match on method and path; each answers once per entry in
 * order, the last entry repeating.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { Clock, Effect, Layer, Redacted } from "effect"
import { make } from "../../../../src/services/forge/github/GitHubForge.ts"

export const TOKEN = "github_pat_" + "A".repeat(30) + "SECRETTOKEN"
export const API = "https://api.github.com"

export interface Answer {
  readonly status?: number
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>>
}

export interface Recorded {
  readonly method: string
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  /** On the test clock, for asserting waits. */
  readonly at: number
}

export const makeFake = () => {
  const routes = new Map<string, Array<Answer>>()
  const requests: Array<Recorded> = []
  const on = (method: string, path: string, ...answers: ReadonlyArray<Answer>) => {
    routes.set(`${method} ${path}`, [...answers])
  }
  const client = HttpClient.make((request, url) =>
    Effect.gen(function* () {
      const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
      const at = yield* Clock.currentTimeMillis
      requests.push({ method: request.method, url: url.toString(), headers: request.headers, body, at })
      const pathAndQuery = url.pathname + url.search
      const queue = routes.get(`${request.method} ${pathAndQuery}`) ?? routes.get(`${request.method} ${url.pathname}`)
      const answer: Answer = queue === undefined
        ? { status: 404, body: { message: "Not Found" } }
        : (queue.length > 1 ? queue.shift()! : queue[0])
      const status = answer.status ?? 200
      return HttpClientResponse.fromWeb(
        request,
        new Response(status === 204 ? null : JSON.stringify(answer.body ?? {}), {
          status,
          headers: { "content-type": "application/json; charset=utf-8", ...answer.headers },
        }),
      )
    })
  )
  return { on, requests, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

/** The forge for `octo/web` on github.com over the fake. */
export const forgeOver = (options: { readonly trusted?: ReadonlyArray<string> } = {}) =>
  make({
    apiUrl: API,
    owner: "octo",
    repo: "web",
    cloneUrl: "https://github.com/octo/web.git",
    token: Redacted.make(TOKEN),
    trustedAssociations: options.trusted ?? ["OWNER", "MEMBER", "COLLABORATOR"],
  })

export const user = (id: number, login: string, type = "User") => ({ id, login, type })

export const repoPayload = {
  name: "web",
  full_name: "octo/web",
  default_branch: "main",
  clone_url: "https://github.com/octo/web.git",
  html_url: "https://github.com/octo/web",
  owner: { login: "octo" },
}

export const prPayload = (number: number, extra: Record<string, unknown> = {}) => ({
  number,
  html_url: `https://github.com/octo/web/pull/${number}`,
  state: "open",
  title: "Add the thing",
  merged_at: null,
  head: { ref: "agent/abc123", sha: "1111" },
  base: { ref: "main", sha: "2222" },
  ...extra,
})
