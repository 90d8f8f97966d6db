/**
 * The request pipeline both REST forges share once each has classified an answer: a dropped connection is
 * transient, transient failures are retried with a bounded jittered backoff (a stated wait honoured), a
 * call whose repetition would duplicate something only when the server surely did nothing, and what still
 * fails after that is `ForgeUnavailable`. What counts as transient (statuses, headers, rate limits) stays
 * with each forge's classifier.
 */
import type { HttpClientError, ResponseError } from "@effect/platform/HttpClientError"
import type { HttpClientResponse } from "@effect/platform/HttpClientResponse"
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import { type ForgeError, ForgeUnavailable } from "./ForgeError.ts"

/** Throttling, server errors and dropped connections: worth another try. */
export class Transient extends Data.TaggedError("Transient")<{
  readonly detail: string
  /** How long the forge asked us to wait (`Retry-After` and the like); none: the backoff decides. */
  readonly wait: Option.Option<Duration.Duration>
  /** A rate limit without a stated wait: the forge's `rateLimitBackoff` stretches the delay. */
  readonly rateLimited?: boolean
  /** The server may have acted on the request before failing (a 500, a connection lost mid-answer). */
  readonly maybeApplied: boolean
}> {}

/** A body that could not be read: the connection broke mid-answer, after the server may have acted. */
export const unreadable = (error: ResponseError): Transient =>
  new Transient({ detail: `unreadable response: ${error.message}`, wait: Option.none(), maybeApplied: true })

/** Decodes an answer; a shape we do not know is a defect, since no retry can fix it. */
export const decodeAnswer = <A, I>(forge: string, url: string, schema: Schema.Schema<A, I>) => (body: unknown) =>
  Schema.decodeUnknown(schema)(body).pipe(
    Effect.orDieWith((error) => new Error(`${forge} answered ${url} with an unexpected shape: ${error.message}`)),
  )

const retryPolicy = (rateLimitBackoff: (delay: Duration.Duration) => Duration.Duration) =>
  Schedule.exponential("500 millis", 2).pipe(
    Schedule.jittered,
    Schedule.intersect(Schedule.recurs(5)),
    Schedule.intersect(Schedule.identity<Transient | ForgeError>()),
    Schedule.modifyDelay(([, error], delay) => {
      if (error._tag !== "Transient") return delay
      if (Option.isSome(error.wait)) return error.wait.value
      return error.rateLimited === true ? rateLimitBackoff(delay) : delay
    }),
  )

/** What every forge request says besides where it goes; each forge adds its own address and options. */
export interface ForgeRequest<A, I> {
  readonly method: "GET" | "POST" | "PATCH"
  /** What the caller was after, for the not-found message ("pull request 12"). */
  readonly what: string
  readonly schema: Schema.Schema<A, I>
  readonly body?: unknown
  readonly query?: Readonly<Record<string, string>>
  /**
   * False for a POST whose repetition would duplicate something (a comment): it is then retried only
   * when the server surely did nothing, and the caller checks before trying again.
   */
  readonly idempotent?: boolean
}

export interface ForgeCall<A> {
  /** The request as the client executes it (run again for each try). */
  readonly execute: Effect.Effect<HttpClientResponse, HttpClientError>
  /** Named in `ForgeUnavailable`. */
  readonly url: string
  /** The request's `idempotent`. */
  readonly idempotent: boolean | undefined
  readonly classify: (response: HttpClientResponse) => Effect.Effect<A, Transient | ForgeError>
  /** The delay after a rate limit that stated no wait; the plain backoff when not given. */
  readonly rateLimitBackoff?: (delay: Duration.Duration) => Duration.Duration
}

/** Executes the request, classifies the answer and retries what is transient, as described above. */
export const sendRetrying = <A>(call: ForgeCall<A>): Effect.Effect<A, ForgeError> =>
  call.execute.pipe(
    Effect.catchTag(
      "RequestError",
      (error) =>
        error.reason === "Transport"
          ? new Transient({ detail: error.message, wait: Option.none(), maybeApplied: true })
          : Effect.die(error),
    ),
    Effect.catchTag("ResponseError", (error) => Effect.die(error)),
    Effect.flatMap(call.classify),
    Effect.retry({
      schedule: retryPolicy(call.rateLimitBackoff ?? ((delay) => delay)),
      while: (error) => error._tag === "Transient" && (call.idempotent !== false || !error.maybeApplied),
    }),
    Effect.catchTag("Transient", (error) => new ForgeUnavailable({ url: call.url, detail: error.detail })),
  )
