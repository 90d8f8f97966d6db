/**
 * The one road to the engine: API-version negotiation, status classification (transient or
 * permanent, decided here once), bounded jittered retries for idempotent calls, and Schema decoding.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type { HttpClientError } from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type { HttpClientResponse } from "@effect/platform/HttpClientResponse"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import {
  ContainerNotFound,
  DockerApiError,
  DockerConflict,
  type EngineTlsInvalid,
  EngineUnreachable,
  EngineUnsupported,
  ImageNotFound,
  type UnreachableReason,
} from "./DockerError.ts"
import { baseUrl, connectionFailure, type Endpoint, makeHttpClient } from "./transport.ts"

/** The newest API this client is written against; older engines are spoken to at their own version. */
export const CLIENT_API_VERSION = "1.47"
/** Docker 20.10: the oldest engine devvy supports. */
export const MIN_API_VERSION = "1.41"

/**
 * Whether a failed connection is worth another try: a missing socket, a refused connection or a denied
 * permission stay so until someone acts, so retrying them only delays the advice.
 */
export const isTransient = (reason: UnreachableReason): boolean => reason === "reset" || reason === "other"

class Transient extends Data.TaggedError("Transient")<{ readonly error: DockerApiError | EngineUnreachable }> {}

const retryPolicy = Schedule.exponential("100 millis", 2).pipe(
  Schedule.jittered,
  Schedule.intersect(Schedule.recurs(4)),
)

const VersionInfo = Schema.Struct({
  Version: Schema.String,
  ApiVersion: Schema.String,
  MinAPIVersion: Schema.optional(Schema.String),
})
const ErrorBody = Schema.parseJson(Schema.Struct({ message: Schema.String }))

export const compareVersions = (a: string, b: string): number => {
  const [a1 = 0, a2 = 0] = a.split(".").map(Number)
  const [b1 = 0, b2 = 0] = b.split(".").map(Number)
  return a1 !== b1 ? a1 - b1 : a2 - b2
}

/** What a 404 means for this call. */
export type Subject = { readonly image: string } | { readonly container: string }

export interface ApiRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE" | "HEAD"
  /** Without the version prefix: `/containers/json`. */
  readonly path: string
  readonly query?: Readonly<Record<string, string | undefined>>
  readonly json?: unknown
  readonly body?: { readonly stream: ReadableStream<Uint8Array>; readonly contentType: string }
  readonly subject?: Subject
  /** Retried on 5xx and dropped connections; false for calls whose body cannot be sent twice. */
  readonly idempotent?: boolean
}

export type ApiError =
  | EngineUnreachable
  | EngineTlsInvalid
  | EngineUnsupported
  | DockerApiError
  | ImageNotFound
  | ContainerNotFound
  | DockerConflict

export const makeApi = Effect.fnUntraced(function* (endpoint: Endpoint) {
  // The engine reads no trace headers: building and sending b3/traceparent on every call is pure cost.
  const http = HttpClient.withTracerPropagation(yield* makeHttpClient(endpoint), false)
  const base = baseUrl(endpoint)
  const negotiated = yield* Ref.make(Option.none<string>())

  const unreachable = (error: HttpClientError) => connectionFailure(endpoint, error.cause ?? error)

  const errorDetail = (response: HttpClientResponse): Effect.Effect<string> =>
    response.text.pipe(
      Effect.map((text) =>
        Option.match(Schema.decodeUnknownOption(ErrorBody)(text), {
          onNone: () => text.trim().slice(0, 500) || `HTTP ${response.status}`,
          onSome: (body) => body.message,
        })
      ),
      Effect.orElseSucceed(() => `HTTP ${response.status}`),
    )

  type NegotiateError = EngineUnreachable | EngineTlsInvalid | EngineUnsupported
  const negotiate: Effect.Effect<string, NegotiateError> = Effect.gen(function* () {
    const known = yield* Ref.get(negotiated)
    if (Option.isSome(known)) return known.value
    const response = yield* http.get(`${base}/version`).pipe(
      Effect.mapError(unreachable),
      Effect.retry({
        schedule: retryPolicy,
        while: (e) => e._tag === "EngineUnreachable" && isTransient(e.reason),
      }),
    )
    const info = yield* response.json.pipe(
      Effect.flatMap(Schema.decodeUnknown(VersionInfo)),
      Effect.mapError((e) =>
        new EngineUnsupported({ host: endpoint.host, detail: `unreadable /version answer: ${e.message}` })
      ),
    )
    if (compareVersions(info.ApiVersion, MIN_API_VERSION) < 0) {
      return yield* new EngineUnsupported({
        host: endpoint.host,
        detail: `it speaks API ${info.ApiVersion}, devvy needs ${MIN_API_VERSION}`,
      })
    }
    const version = compareVersions(info.ApiVersion, CLIENT_API_VERSION) < 0 ? info.ApiVersion : CLIENT_API_VERSION
    yield* Ref.set(negotiated, Option.some(version))
    return version
  })

  const classify = (request: ApiRequest, response: HttpClientResponse) =>
    Effect.gen(function* () {
      const { status } = response
      if (status < 300 || status === 304) return response
      const detail = yield* errorDetail(response)
      const subject = request.subject
      if (status === 404 && subject !== undefined) {
        return yield* "image" in subject
          ? new ImageNotFound({ image: subject.image })
          : new ContainerNotFound({ id: subject.container })
      }
      if (status === 409) return yield* new DockerConflict({ detail })
      const error = new DockerApiError({ method: request.method, path: request.path, status, detail })
      return yield* status >= 500 ? new Transient({ error }) : error
    })

  /** Sends the request and checks the status; the caller reads the body. */
  const send = (request: ApiRequest): Effect.Effect<HttpClientResponse, ApiError> =>
    Effect.gen(function* () {
      const version = yield* negotiate
      const query = Object.entries(request.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined)
      let req = HttpClientRequest.make(request.method)(`${base}/v${version}${request.path}`).pipe(
        HttpClientRequest.setUrlParams(query),
      )
      if (request.json !== undefined) req = HttpClientRequest.bodyUnsafeJson(req, request.json)
      if (request.body !== undefined) {
        req = HttpClientRequest.bodyStream(req, streamOf(request.body.stream), {
          contentType: request.body.contentType,
        })
      }
      const attempt = http.execute(req).pipe(
        Effect.mapError((e) => {
          const error = unreachable(e)
          // A refused certificate stays refused, like a missing socket.
          return error._tag === "EngineUnreachable" && isTransient(error.reason) ? new Transient({ error }) : error
        }),
        Effect.flatMap((response) => classify(request, response)),
      )
      const retried = request.idempotent === false ? attempt : attempt.pipe(
        Effect.retry({
          schedule: retryPolicy,
          while: (e) => e._tag === "Transient",
        }),
      )
      return yield* Effect.catchTag(retried, "Transient", (e) => Effect.fail(e.error))
    })

  /** Sends the request and decodes its JSON answer; a body that does not match is a defect at the edge. */
  const json = <A, I>(request: ApiRequest, schema: Schema.Schema<A, I>): Effect.Effect<A, ApiError> =>
    send(request).pipe(
      Effect.flatMap((response) => response.json),
      Effect.flatMap(Schema.decodeUnknown(schema)),
      Effect.catchTags({
        ResponseError: (e) =>
          Effect.fail(new DockerApiError({ method: request.method, path: request.path, status: 0, detail: e.message })),
        ParseError: (e) => Effect.die(e),
      }),
    )

  /** Sends the request and drains its body. */
  const call = (request: ApiRequest): Effect.Effect<void, ApiError> =>
    send(request).pipe(Effect.flatMap((response) => Effect.orElseSucceed(response.text, () => "")), Effect.asVoid)

  return { endpoint, negotiate, send, json, call } as const
})

export type Api = Effect.Effect.Success<ReturnType<typeof makeApi>>

const streamOf = (body: ReadableStream<Uint8Array>) =>
  Stream.fromReadableStream(() => body, (e) => new Error(String(e)))
