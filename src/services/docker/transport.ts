/**
 * Where the engine is and how to reach it: `unix:///path` (the default socket) or `tcp://host:port`,
 * the latter over TLS when DOCKER_TLS_VERIFY asks for it.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { HttpClient } from "@effect/platform/HttpClient"
import * as HttpClientModule from "@effect/platform/HttpClient"
import { RequestError } from "@effect/platform/HttpClientError"
import type { HttpClientRequest } from "@effect/platform/HttpClientRequest"
import type { HttpClientResponse } from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Scope from "effect/Scope"
import { EngineTlsInvalid, EngineUnreachable, type UnreachableReason } from "./DockerError.ts"
import { loadTls, type Tls, tlsFailure } from "./tls.ts"

export type Endpoint =
  | { readonly _tag: "Unix"; readonly host: string; readonly path: string }
  | {
    readonly _tag: "Tcp"
    readonly host: string
    readonly hostname: string
    readonly port: number
    /** Absent: plain HTTP. */
    readonly tls?: Tls
  }

export const DEFAULT_HOST = "unix:///var/run/docker.sock"

export const parseHost = (host: string): Endpoint => {
  const trimmed = host.trim() === "" ? DEFAULT_HOST : host.trim()
  if (trimmed.startsWith("unix://")) return { _tag: "Unix", host: trimmed, path: trimmed.slice("unix://".length) }
  const match = /^tcp:\/\/([^:/]+):(\d+)\/?$/.exec(trimmed)
  if (match) return { _tag: "Tcp", host: trimmed, hostname: match[1], port: Number(match[2]) }
  // The config schema rejects anything else; a raw path is the one lenient reading.
  return { _tag: "Unix", host: trimmed, path: trimmed }
}

/**
 * The endpoint with Docker's TLS convention applied: with `certPath` (DOCKER_TLS_VERIFY set, the folder
 * DOCKER_CERT_PATH names) a tcp:// engine is spoken to over TLS. The files are read here, once.
 */
export const resolveEndpoint = (host: string, options: { readonly tlsCertPath?: string } = {}): Endpoint => {
  const endpoint = parseHost(host)
  return endpoint._tag === "Tcp" && options.tlsCertPath !== undefined
    ? { ...endpoint, tls: loadTls(endpoint.host, options.tlsCertPath) }
    : endpoint
}

/** The base URL requests go to; over a socket the host part is ignored but must be present. */
export const baseUrl = (endpoint: Endpoint): string =>
  endpoint._tag === "Unix"
    ? "http://docker"
    : `${endpoint.tls === undefined ? "http" : "https"}://${endpoint.hostname}:${endpoint.port}`

/** Why a connection failed: the certificates when TLS says so, else the engine is unreachable. */
export const connectionFailure = (endpoint: Endpoint, error: unknown): EngineUnreachable | EngineTlsInvalid =>
  error instanceof EngineTlsInvalid
    ? error
    : (endpoint._tag === "Tcp" && endpoint.tls !== undefined
      ? tlsFailure(endpoint.host, endpoint.tls, error)
      : undefined) ??
      new EngineUnreachable({ host: endpoint.host, ...describe(error) })

const withFetch = (http: HttpClient, viaClient: typeof fetch): HttpClient =>
  HttpClientModule.transform(http, (effect) => Effect.provideService(effect, FetchHttpClient.Fetch, viaClient))

/**
 * An engine that speaks only TLS answers plain HTTP with a 400 saying so. The first call is always
 * /version, where a 400 is never a real refusal, so only there is the body read to tell.
 */
const refuseTlsOnly = (endpoint: Endpoint, request: HttpClientRequest, response: HttpClientResponse) =>
  response.status !== 400 || !request.url.endsWith("/version") ? Effect.void : response.text.pipe(
    Effect.orElseSucceed(() => ""),
    Effect.flatMap((text) =>
      /HTTP request to an HTTPS server/.test(text)
        ? Effect.fail(
          new RequestError({
            request,
            reason: "Transport",
            cause: new EngineTlsInvalid({
              host: endpoint.host,
              file: "DOCKER_TLS_VERIFY",
              detail: "it is not set, but the engine answers only TLS: set it to 1",
            }),
          }),
        )
        : Effect.void
    ),
  )

/**
 * An @effect/platform HttpClient whose fetch goes through the endpoint: a Unix socket needs Deno's proxy
 * option, TLS a client with the CA and the client certificate. Unusable certificates fail each request
 * with EngineTlsInvalid as its cause, so commands that never call the engine are not stopped by them.
 * Its connections stay open until the scope closes.
 */
export const makeHttpClient = (endpoint: Endpoint): Effect.Effect<HttpClient, never, Scope.Scope> =>
  Effect.gen(function* () {
    const http = yield* Effect.provide(HttpClient, FetchHttpClient.layer)
    const closing = (client: Deno.HttpClient) =>
      Effect.acquireRelease(Effect.succeed(client), (client) => Effect.sync(() => client.close()))
    if (endpoint._tag === "Unix") {
      const client = yield* closing(Deno.createHttpClient({ proxy: { transport: "unix", path: endpoint.path } }))
      return withFetch(http, (input, init) => fetch(input, { ...init, client }))
    }
    if (endpoint.tls === undefined) {
      const warn = yield* Effect.once(Effect.logWarning(
        `DOCKER_HOST is ${endpoint.host} without TLS: the engine's API (root on its machine) is reached ` +
          "unencrypted and unauthenticated; set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to use TLS",
      ))
      return HttpClientModule.transform(
        http,
        (effect, request) =>
          Effect.zipRight(warn, effect).pipe(Effect.tap((response) => refuseTlsOnly(endpoint, request, response))),
      )
    }
    const tls = endpoint.tls
    const client = Either.flatMap(tls.material, (material) =>
      Either.try({
        try: () => Deno.createHttpClient(material),
        catch: (error) => connectionFailure(endpoint, error),
      }))
    if (Either.isLeft(client)) {
      const cause = client.left
      return HttpClientModule.transform(
        http,
        (_effect, request) => Effect.fail(new RequestError({ request, reason: "Transport", cause })),
      )
    }
    const tlsClient = yield* closing(client.right)
    return withFetch(http, (input, init) => fetch(input, { ...init, client: tlsClient }))
  })

/** A fresh connection, for exec start: the engine takes it over, so it can never go back to a pool. */
export const dial = (endpoint: Endpoint): Effect.Effect<Deno.Conn, EngineUnreachable | EngineTlsInvalid> =>
  Effect.gen(function* () {
    if (endpoint._tag === "Unix") {
      return yield* Effect.tryPromise({
        try: (): Promise<Deno.Conn> => Deno.connect({ transport: "unix", path: endpoint.path }),
        catch: (error) => connectionFailure(endpoint, error),
      })
    }
    const { hostname, port, tls } = endpoint
    if (tls === undefined) {
      return yield* Effect.tryPromise({
        try: (): Promise<Deno.Conn> => Deno.connect({ hostname, port }),
        catch: (error) => connectionFailure(endpoint, error),
      })
    }
    const material = yield* tls.material
    return yield* Effect.tryPromise({
      // The handshake is finished here, so a refused certificate fails the dial and not a later read.
      try: async (): Promise<Deno.Conn> => {
        const conn = await Deno.connectTls({ hostname, port, ...material })
        try {
          await conn.handshake()
        } catch (error) {
          conn.close()
          throw error
        }
        return conn
      },
      catch: (error) => connectionFailure(endpoint, error),
    })
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
