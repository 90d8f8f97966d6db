/**
 * The one road to Azure DevOps: auth and JSON headers, status classification (transient or permanent,
 * decided here once) and `Retry-After`; the retries and decoding are the shared forge pipeline's.
 */
import { HttpClient } from "@effect/platform/HttpClient"
import type { HttpClientResponse } from "@effect/platform/HttpClientResponse"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Encoding from "effect/Encoding"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { ForgeAuthFailed, type ForgeError, ForgeNotFound, ForgeRejected } from "../ForgeError.ts"
import { decodeAnswer, type ForgeRequest, sendRetrying, Transient, unreadable } from "../forge_http.ts"
import { AdoError } from "./schemas.ts"

export const API_VERSION = "7.1"
/** connectionData refuses plain 7.1 (VssInvalidPreviewVersionException). */
export const API_VERSION_PREVIEW = "7.1-preview.1"

/** The longest `Retry-After` honoured; beyond it the call fails and the ticket stays resumable. */
const MAX_RETRY_AFTER = Duration.minutes(5)

const retryAfter = (response: HttpClientResponse): Option.Option<Duration.Duration> => {
  const seconds = Number(response.headers["retry-after"])
  return response.headers["retry-after"] !== undefined && Number.isFinite(seconds) && seconds >= 0
    ? Option.some(Duration.min(Duration.seconds(seconds), MAX_RETRY_AFTER))
    : Option.none()
}

/** The `Authorization` value for a PAT: any user name works, so none; base64 on one line, never wrapped. */
export const basicAuth = (pat: Redacted.Redacted<string>): Redacted.Redacted<string> =>
  Redacted.make(`Basic ${Encoding.encodeBase64(`:${Redacted.value(pat)}`)}`)

const errorDetail = (response: HttpClientResponse): Effect.Effect<string> =>
  response.text.pipe(
    Effect.map((text) => {
      const parsed = Schema.decodeUnknownOption(Schema.parseJson(AdoError))(text)
      return Option.match(parsed, {
        onNone: () => text.slice(0, 300) || `HTTP ${response.status}`,
        onSome: (error) => error.typeKey ? `${error.message} (${error.typeKey})` : error.message,
      })
    }),
    Effect.orElseSucceed(() => `HTTP ${response.status}`),
  )

const isJson = (response: HttpClientResponse) =>
  (response.headers["content-type"] ?? "").toLowerCase().includes("application/json")

const isPlainText = (response: HttpClientResponse) =>
  (response.headers["content-type"] ?? "").toLowerCase().includes("text/plain")

export interface AdoRequest<A, I> extends ForgeRequest<A, I> {
  readonly url: string
  readonly apiVersion?: string
  /** Read the answer as plain text (a build log) rather than JSON; `schema` then decodes the string. */
  readonly text?: boolean
}

export const makeAdoHttp = Effect.fnUntraced(function* (pat: Redacted.Redacted<string>) {
  const http = yield* HttpClient
  const authorization = basicAuth(pat)

  const classify = <A, I>(request: AdoRequest<A, I>, response: HttpClientResponse) =>
    Effect.gen(function* () {
      const { status } = response
      const url = request.url
      // A bad PAT may get the sign-in page (203, HTML) instead of a 401, and so may a 200 from a proxy.
      if (status === 401 || status === 403 || status === 203) return yield* new ForgeAuthFailed({ url })
      if (status === 408 || status === 429 || status >= 500) {
        return yield* new Transient({
          detail: `HTTP ${status}: ${yield* errorDetail(response)}`,
          wait: retryAfter(response),
          // Throttling and "unavailable" refuse the request before doing anything with it.
          maybeApplied: status !== 429 && status !== 503,
        })
      }
      if (status < 200 || status >= 300) {
        const detail = yield* errorDetail(response)
        // A missing branch is 404 on some deployments and 400 on others.
        if (/TF401398/.test(detail)) return yield* new ForgeNotFound({ what: "the source or target branch", url })
        if (status === 404) return yield* new ForgeNotFound({ what: request.what, url })
        return yield* new ForgeRejected({ url, status, detail })
      }
      // A proxy's or a sign-in page's HTML is no answer from Azure DevOps.
      if (request.text === true ? !isPlainText(response) : !isJson(response)) return yield* new ForgeAuthFailed({ url })
      const body = yield* (request.text === true ? response.text : response.json).pipe(Effect.catchAll(unreadable))
      return yield* decodeAnswer("Azure DevOps", url, request.schema)(body)
    })

  return <A, I>(request: AdoRequest<A, I>): Effect.Effect<A, ForgeError> => {
    const base = HttpClientRequest.make(request.method)(request.url).pipe(
      HttpClientRequest.setUrlParams({ ...request.query, "api-version": request.apiVersion ?? API_VERSION }),
      HttpClientRequest.setHeaders({
        authorization: Redacted.value(authorization),
        accept: request.text === true ? "text/plain" : "application/json",
        // Turns the sign-in page a bad PAT gets into a plain 401.
        "x-tfs-fedauthredirect": "Suppress",
      }),
    )
    const withBody = request.body === undefined ? base : HttpClientRequest.bodyUnsafeJson(base, request.body)
    return sendRetrying({
      execute: http.execute(withBody),
      url: request.url,
      idempotent: request.idempotent,
      classify: (response) => classify(request, response),
    })
  }
})
