/** Where the engine is and how to reach it: `unix:///path` (the default socket) or `tcp://host:port`. */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { HttpClient } from "@effect/platform/HttpClient"
import * as HttpClientModule from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { EngineUnreachable, type UnreachableReason } from "./DockerError.ts"

export type Endpoint =
  | { readonly _tag: "Unix"; readonly host: string; readonly path: string }
  | { readonly _tag: "Tcp"; readonly host: string; readonly hostname: string; readonly port: number }

export const DEFAULT_HOST = "unix:///var/run/docker.sock"

export const parseHost = (host: string): Endpoint => {
  const trimmed = host.trim() === "" ? DEFAULT_HOST : host.trim()
  if (trimmed.startsWith("unix://")) return { _tag: "Unix", host: trimmed, path: trimmed.slice("unix://".length) }
  const match = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(trimmed)
  if (match) return { _tag: "Tcp", host: trimmed, hostname: match[1], port: Number(match[2]) }
  // The config schema rejects anything else; a raw path is the one lenient reading.
  return { _tag: "Unix", host: trimmed, path: trimmed }
}

/** The base URL requests go to; over a socket the host part is ignored but must be present. */
export const baseUrl = (endpoint: Endpoint): string =>
  endpoint._tag === "Unix" ? "http://docker" : `http://${endpoint.hostname}:${endpoint.port}`

/**
 * An @effect/platform HttpClient whose fetch goes through the endpoint (a Unix socket needs Deno's proxy
 * option). Its connections stay open until the scope closes.
 */
export const makeHttpClient = (endpoint: Endpoint): Effect.Effect<HttpClient, never, Scope.Scope> =>
  Effect.gen(function* () {
    const http = yield* Effect.provide(HttpClient, FetchHttpClient.layer)
    if (endpoint._tag === "Tcp") return http
    const client = yield* Effect.acquireRelease(
      Effect.sync(() => Deno.createHttpClient({ proxy: { transport: "unix", path: endpoint.path } })),
      (client) => Effect.sync(() => client.close()),
    )
    const viaSocket: typeof fetch = (input, init) => fetch(input, { ...init, client })
    return HttpClientModule.transform(http, (effect) => Effect.provideService(effect, FetchHttpClient.Fetch, viaSocket))
  })

/** A fresh connection, for exec start: the engine takes it over, so it can never go back to a pool. */
export const dial = (endpoint: Endpoint): Effect.Effect<Deno.Conn, EngineUnreachable> =>
  Effect.tryPromise({
    try: (): Promise<Deno.Conn> =>
      endpoint._tag === "Unix"
        ? Deno.connect({ transport: "unix", path: endpoint.path })
        : Deno.connect({ hostname: endpoint.hostname, port: endpoint.port }),
    catch: (error) => new EngineUnreachable({ host: endpoint.host, ...describe(error) }),
  })

export interface Failure {
  readonly reason: UnreachableReason
  readonly detail: string
}

const failures = {
  "socket-missing": "the socket does not exist",
  refused: "connection refused",
  permission: "permission denied on the socket; add your user to the docker group",
  reset: "the engine dropped the connection",
} as const satisfies Record<Exclude<UnreachableReason, "other">, string>

const failure = (reason: Exclude<UnreachableReason, "other">): Failure => ({ reason, detail: failures[reason] })

/** The OS errors fetch reports only in its message text (errno 2, 111, 13; 104 and 32 for a dropped connection). */
const errnos: ReadonlyArray<readonly [RegExp, Exclude<UnreachableReason, "other">]> = [
  [/os error 2\b/, "socket-missing"],
  [/os error 111\b/, "refused"],
  [/os error 13\b/, "permission"],
  [/os error (104|32)\b|connection closed before message completed/, "reset"],
]

/** What went wrong reaching the engine, as a reason retries decide on and a detail the user reads. */
export const describe = (error: unknown): Failure => {
  if (error instanceof Deno.errors.NotFound) return failure("socket-missing")
  if (error instanceof Deno.errors.ConnectionRefused) return failure("refused")
  if (error instanceof Deno.errors.PermissionDenied) return failure("permission")
  if (
    error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionAborted || error instanceof Deno.errors.UnexpectedEof
  ) return failure("reset")
  if (error instanceof Error) {
    if (error.cause instanceof Error) return describe(error.cause)
    const known = errnos.find(([pattern]) => pattern.test(error.message))
    return known === undefined ? { reason: "other", detail: error.message } : failure(known[1])
  }
  return { reason: "other", detail: String(error) }
}
