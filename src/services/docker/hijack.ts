/**
 * Exec start over a connection of its own, spoken by hand: the engine answers `101 UPGRADED` and then
 * the socket carries raw frames with no length and no chunking, and stdin goes the other way. fetch
 * cannot write to a response it is reading, so this is plain HTTP/1.1 on a Deno.Conn.
 */
import * as Effect from "effect/Effect"
import { DockerApiError, type EngineTlsInvalid, type EngineUnreachable } from "./DockerError.ts"
import { connectionFailure, dial, type Endpoint } from "./transport.ts"

export interface Hijacked {
  readonly conn: Deno.Conn
  /** Stream bytes that arrived with the response head. */
  readonly leftover: Uint8Array
}

const HEAD_LIMIT = 64 * 1024
const encoder = new TextEncoder()

const findHeadEnd = (bytes: Uint8Array): number => {
  for (let i = 3; i < bytes.length; i++) {
    if (bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13) return i + 1
  }
  return -1
}

export const readHead = async (conn: Deno.Conn): Promise<{ head: string; rest: Uint8Array }> => {
  let bytes = new Uint8Array(0)
  const buffer = new Uint8Array(16 * 1024)
  while (bytes.length < HEAD_LIMIT) {
    const n = await conn.read(buffer)
    if (n === null) throw new Error("the engine closed the connection before answering")
    const next = new Uint8Array(bytes.length + n)
    next.set(bytes)
    next.set(buffer.subarray(0, n), bytes.length)
    bytes = next
    const end = findHeadEnd(bytes)
    if (end !== -1) return { head: new TextDecoder().decode(bytes.subarray(0, end)), rest: bytes.slice(end) }
  }
  throw new Error("the engine's answer has no end of headers")
}

/** The error body of a refused start (sent before any hijack, with a Content-Length). */
const readRest = async (conn: Deno.Conn, first: Uint8Array): Promise<string> => {
  const parts = [new TextDecoder().decode(first)]
  const buffer = new Uint8Array(16 * 1024)
  for (let total = first.length; total < HEAD_LIMIT;) {
    const n = await conn.read(buffer).catch(() => null)
    if (n === null) break
    parts.push(new TextDecoder().decode(buffer.subarray(0, n)))
    total += n
  }
  return parts.join("")
}

export const startExec = (
  endpoint: Endpoint,
  apiVersion: string,
  execId: string,
): Effect.Effect<Hijacked, EngineUnreachable | EngineTlsInvalid | DockerApiError> =>
  Effect.flatMap(dial(endpoint), (conn) => startExecOn(conn, endpoint, apiVersion, execId))

/** Starts the exec over a connection already dialled, which it closes if the engine refuses. */
export const startExecOn = (
  conn: Deno.Conn,
  endpoint: Endpoint,
  apiVersion: string,
  execId: string,
): Effect.Effect<Hijacked, EngineUnreachable | EngineTlsInvalid | DockerApiError> =>
  Effect.gen(function* () {
    const path = `/v${apiVersion}/exec/${execId}/start`
    const body = JSON.stringify({ Detach: false, Tty: false })
    const request = `POST ${path} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/json\r\n` +
      `Connection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: ${encoder.encode(body).length}\r\n\r\n${body}`
    const result = yield* Effect.tryPromise({
      try: async () => {
        await writeAll(conn, encoder.encode(request))
        const { head, rest } = await readHead(conn)
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0)
        if (status === 101 || status === 200) return { status, leftover: rest, detail: "" }
        return { status, leftover: rest, detail: await readRest(conn, rest) }
      },
      catch: (error) => connectionFailure(endpoint, error),
    }).pipe(Effect.tapError(() => Effect.sync(() => closeQuietly(conn))))
    if (result.status !== 101 && result.status !== 200) {
      closeQuietly(conn)
      const message = /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(result.detail)?.[1] ?? result.detail.trim()
      return yield* new DockerApiError({ method: "POST", path, status: result.status, detail: message })
    }
    return { conn, leftover: result.leftover }
  })

export const writeAll = async (conn: Deno.Conn, bytes: Uint8Array): Promise<void> => {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at))
}

export const closeQuietly = (conn: Deno.Conn): void => {
  try {
    conn.close()
  } catch {
    // Already closed: the engine ended the stream first.
  }
}
