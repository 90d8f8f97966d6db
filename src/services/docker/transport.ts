/** Where the engine is and how to reach it: `unix:///path` (the default socket) or `tcp://host:port`. */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { HttpClient } from "@effect/platform/HttpClient"
import * as HttpClientModule from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import { EngineUnreachable } from "./DockerError.ts"

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

/** An @effect/platform HttpClient whose fetch goes through the endpoint (a Unix socket needs Deno's proxy option). */
export const makeHttpClient = (endpoint: Endpoint): Effect.Effect<HttpClient> =>
  Effect.gen(function* () {
    const http = yield* Effect.provide(HttpClient, FetchHttpClient.layer)
    if (endpoint._tag === "Tcp") return http
    const client = Deno.createHttpClient({ proxy: { transport: "unix", path: endpoint.path } })
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
    catch: (error) => new EngineUnreachable({ host: endpoint.host, detail: describe(error) }),
  })

export const describe = (error: unknown): string => {
  if (error instanceof Deno.errors.NotFound) return "the socket does not exist"
  if (error instanceof Deno.errors.ConnectionRefused) return "connection refused"
  if (error instanceof Deno.errors.PermissionDenied) {
    return "permission denied on the socket; add your user to the docker group"
  }
  if (error instanceof Error) {
    if (error.cause instanceof Error) return describe(error.cause)
    // fetch reports socket errors only in its message text.
    if (/os error 2\b/.test(error.message)) return "the socket does not exist"
    if (/os error 111\b/.test(error.message)) return "connection refused"
    if (/os error 13\b/.test(error.message)) return "permission denied on the socket; add your user to the docker group"
    return error.message
  }
  return String(error)
}
