/**
 * The one road to GitHub's REST API: headers, status classification (transient or permanent, decided here
 * once), the primary and secondary rate limits waited out as GitHub documents them, `Link` pagination and
 * Schema decoding.
 */
import { RequestInit } from "@effect/platform/FetchHttpClient"
import { HttpClient } from "@effect/platform/HttpClient"
import type { HttpClientResponse } from "@effect/platform/HttpClientResponse"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { ForgeAuthFailed, type ForgeError, ForgeNotFound, ForgeRejected } from "../ForgeError.ts"
import { decodeAnswer, type ForgeRequest, sendRetrying, Transient, unreadable } from "../forge_http.ts"
import { GitHubError } from "./schemas.ts"
import { tokenSourcesFor } from "./token.ts"

export const API_VERSION = "2022-11-28"
const USER_AGENT = "devvy"

/** The places a token for this API comes from, so the fix is made where the token was found. */
const authHint = (apiUrl: string) =>
  `check the token (${tokenSourcesFor(apiUrl)}): it may be mistyped, expired or revoked`
const ACCESS_HINT = "the repository does not exist, or the token cannot see it (a fine-grained token must be " +
  "granted this repository; a classic one needs the repo scope)"

/** The primary limit resets within the hour; a longer stated wait is not believed. */
const MAX_WAIT = Duration.hours(1)
const MAX_BACKOFF = Duration.minutes(15)

/**
 * A rate limit without a stated wait, as GitHub advises for the secondary limit: "wait at least one minute, then
 * back off exponentially", so 0.5 s, 1 s, 2 s … becomes 60 s, 120 s, 240 s ….
 */
const rateLimitBackoff = (delay: Duration.Duration): Duration.Duration =>
  Duration.min(Duration.max(Duration.times(delay, 120), "1 minute"), MAX_BACKOFF)

const header = (response: HttpClientResponse, name: string): string | undefined => response.headers[name]

const seconds = (value: string | undefined): number | undefined => {
  if (value === undefined || value.trim() === "") return undefined
  const n = Number(value)
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

/** `retry-after`, else `x-ratelimit-reset` when nothing remains, else none (the caller backs off). */
const statedWait = (response: HttpClientResponse, nowMillis: number): Option.Option<Duration.Duration> => {
  const retryAfter = seconds(header(response, "retry-after"))
  if (retryAfter !== undefined) return Option.some(Duration.min(Duration.seconds(retryAfter), MAX_WAIT))
  const reset = seconds(header(response, "x-ratelimit-reset"))
  if (header(response, "x-ratelimit-remaining") === "0" && reset !== undefined) {
    // One second past the reset: GitHub's clock and ours are not the same clock.
    const millis = Math.max(0, reset * 1000 - nowMillis) + 1000
    return Option.some(Duration.min(Duration.millis(millis), MAX_WAIT))
  }
  return Option.none()
}

const readError = (response: HttpClientResponse): Effect.Effect<Option.Option<GitHubError>> =>
  response.text.pipe(
    Effect.map((text) => Schema.decodeUnknownOption(Schema.parseJson(GitHubError))(text)),
    Effect.orElseSucceed(() => Option.none()),
  )

/** "Validation Failed: A pull request already exists for o:b." — the nested messages carry the reason. */
const describe = (error: Option.Option<GitHubError>, status: number): string =>
  Option.match(error, {
    onNone: () => `HTTP ${status}`,
    onSome: (e) => {
      const nested = (e.errors ?? []).map((x) =>
        typeof x === "string" ? x : x.message ?? [x.resource, x.field, x.code].filter(Boolean).join(" ")
      ).filter((x) => x !== "")
      return nested.length === 0 ? e.message : `${e.message}: ${nested.join("; ")}`
    },
  })

const isSecondaryLimit = (error: Option.Option<GitHubError>): boolean =>
  Option.exists(error, (e) =>
    /\bsecondary rate\b|abuse/i.test(e.message) ||
    /secondary-rate-limits|#abuse-rate-limits/.test(e.documentation_url ?? ""))

/** `<https://api…?page=2>; rel="next", <…>; rel="last"` → the next page's URL, as given. */
export const nextLink = (link: string | undefined): Option.Option<string> => {
  for (const part of (link ?? "").split(",")) {
    const match = /<([^>]+)>\s*;\s*(.*)$/.exec(part.trim())
    if (match && /\brel="?([^";]*\s)?next(\s[^";]*)?"?/.test(match[2])) return Option.some(match[1])
  }
  return Option.none()
}

export interface GitHubRequest<A, I> extends ForgeRequest<A, I> {
  /** A path under the API base (`/repos/o/r`), or a URL GitHub gave (a `Link` header's). */
  readonly path: string
  /** A 404 here means the repository itself: say the token may lack access. */
  readonly repositoryLevel?: boolean
  /**
   * The answer is a redirect, not followed: its `Location` is decoded by `schema` (a string). Job logs
   * redirect to a storage host that must not see the token.
   */
  readonly redirect?: boolean
}

export interface GitHubHttp {
  readonly send: <A, I>(request: GitHubRequest<A, I>) => Effect.Effect<A, ForgeError>
  /** Every page of a list, following `Link: rel="next"` (never building page URLs). */
  readonly list: <A, I>(request: GitHubRequest<A, I>) => Effect.Effect<ReadonlyArray<A>, ForgeError>
  /** Every page, each decoded by `schema`: for lists wrapped in an object (`{ total_count, check_runs }`). */
  readonly pages: <A, I>(request: GitHubRequest<A, I>) => Effect.Effect<ReadonlyArray<A>, ForgeError>
}

export const makeGitHubHttp = Effect.fnUntraced(function* (options: {
  /** `https://api.github.com` or `https://HOST/api/v3`, no trailing slash. */
  readonly apiUrl: string
  readonly token: Redacted.Redacted<string>
}) {
  const http = yield* HttpClient
  const origin = new URL(options.apiUrl).origin
  const urlOf = (path: string) => path.startsWith("/") ? `${options.apiUrl}${path}` : path

  const classify = <A, I>(request: GitHubRequest<A, I>, url: string, response: HttpClientResponse) =>
    Effect.gen(function* () {
      const { status } = response
      if (status === 401) return yield* new ForgeAuthFailed({ url, hint: authHint(options.apiUrl) })
      if (status === 403 || status === 429) {
        const error = yield* readError(response)
        const wait = statedWait(response, yield* Clock.currentTimeMillis)
        if (Option.isSome(wait) || isSecondaryLimit(error) || status === 429) {
          return yield* new Transient({
            detail: `HTTP ${status}: ${describe(error, status)}`,
            wait,
            rateLimited: true,
            maybeApplied: false,
          })
        }
        return yield* new ForgeRejected({
          url,
          status,
          detail: `${describe(error, status)} (the token may lack a permission: Contents, Pull requests and ` +
            `Issues read and write)`,
        })
      }
      if (status === 408 || status >= 500) {
        return yield* new Transient({
          detail: `HTTP ${status}: ${describe(yield* readError(response), status)}`,
          wait: statedWait(response, yield* Clock.currentTimeMillis),
          rateLimited: false,
          maybeApplied: status !== 503,
        })
      }
      if (request.redirect === true && status >= 300 && status < 400) {
        const location = header(response, "location")
        if (location !== undefined) {
          const value = yield* Schema.decodeUnknown(request.schema)(location).pipe(Effect.orDie)
          return { value, next: Option.none<string>() }
        }
      }
      if (status === 404) {
        return yield* request.repositoryLevel === true
          ? new ForgeNotFound({ what: request.what, url, hint: ACCESS_HINT })
          : new ForgeNotFound({ what: request.what, url, hint: "check the repository URL and the number" })
      }
      if (status < 200 || status >= 300) {
        return yield* new ForgeRejected({ url, status, detail: describe(yield* readError(response), status) })
      }
      const body = status === 204 ? [] : yield* response.json.pipe(Effect.catchAll(unreadable))
      const value = yield* decodeAnswer("GitHub", url, request.schema)(body)
      return { value, next: nextLink(header(response, "link")) }
    })

  const execute = <A, I>(request: GitHubRequest<A, I>) => {
    const url = urlOf(request.path)
    // A Link header pointing elsewhere must not receive the token.
    if (new URL(url).origin !== origin) {
      return Effect.die(new Error(`GitHub pointed at ${url}, outside ${options.apiUrl}`))
    }
    const base = HttpClientRequest.make(request.method)(url).pipe(
      HttpClientRequest.setUrlParams(request.query ?? {}),
      HttpClientRequest.setHeaders({
        authorization: `Bearer ${Redacted.value(options.token)}`,
        accept: "application/vnd.github+json",
        "x-github-api-version": API_VERSION,
        "user-agent": USER_AGENT,
      }),
    )
    const withBody = request.body === undefined ? base : HttpClientRequest.bodyUnsafeJson(base, request.body)
    const sent = http.execute(withBody)
    return sendRetrying({
      // fetch would follow the redirect itself; the caller fetches its target without the token.
      execute: request.redirect === true ? Effect.provideService(sent, RequestInit, { redirect: "manual" }) : sent,
      url,
      idempotent: request.idempotent,
      classify: (response) => classify(request, url, response),
      rateLimitBackoff,
    })
  }

  const send = <A, I>(request: GitHubRequest<A, I>): Effect.Effect<A, ForgeError> =>
    Effect.map(execute(request), (page) => page.value)

  const pages = <A, I>(request: GitHubRequest<A, I>): Effect.Effect<ReadonlyArray<A>, ForgeError> =>
    Effect.gen(function* () {
      let page = yield* execute({ ...request, query: { per_page: "100", ...request.query } })
      const all: Array<A> = [page.value]
      // Bounded: 100 pages of 100 is far past any pull request devvy answers.
      for (let i = 0; i < 100 && Option.isSome(page.next); i++) {
        page = yield* execute({ ...request, path: page.next.value, query: {} })
        all.push(page.value)
      }
      return all
    })

  const list = <A, I>(request: GitHubRequest<A, I>): Effect.Effect<ReadonlyArray<A>, ForgeError> =>
    Effect.map(pages({ ...request, schema: Schema.Array(request.schema) }), (all) => all.flat())

  return { send, list, pages } satisfies GitHubHttp
})
