/**
 * The archive endpoints (`PUT` and `GET /containers/{id}/archive`), spoken as plain HTTP on a connection
 * of their own, as exec start is (hijack.ts). Measured on a 50 MB tar over the Unix socket: fetch hands
 * the body over in ~2 KB pieces and takes 2.2 s, a plain connection 0.3 s. The upload goes out in
 * HTTP/1.1 chunks; the download is asked for in HTTP/1.0, so its body is simply everything until the
 * engine closes the connection, with no chunking to undo.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { Api } from "./api.ts"
import type { EngineError } from "./DockerEngine.ts"
import { DockerApiError } from "./DockerError.ts"
import { closeQuietly, readHead, writeAll } from "./hijack.ts"
import { connectionFailure, dial } from "./transport.ts"

const encoder = new TextEncoder()
const CRLF = encoder.encode("\r\n")

const statusOf = (head: string) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0)

/** The engine's `{"message": …}`, or the text as it is. */
const messageOf = (body: string) => /"message"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(body)?.[1] ?? body.trim().slice(0, 500)

const readAll = async (conn: Deno.Conn, first: Uint8Array): Promise<string> => {
  const decoder = new TextDecoder()
  let text = decoder.decode(first, { stream: true })
  for await (const chunk of conn.readable) text += decoder.decode(chunk, { stream: true })
  return text + decoder.decode()
}

export const makeArchive = (api: Api) => {
  const endpoint = api.endpoint
  const target = (container: string, path: string, version: string) =>
    `/v${version}/containers/${encodeURIComponent(container)}/archive?path=${encodeURIComponent(path)}`

  const unreachable = (error: unknown) => connectionFailure(endpoint, error)

  const put = (container: string, path: string, tar: ReadableStream<Uint8Array>) =>
    Effect.gen(function* () {
      const url = target(container, path, yield* api.negotiate)
      const conn = yield* dial(endpoint)
      const answer = yield* Effect.tryPromise({
        try: async () => {
          await writeAll(
            conn,
            encoder.encode(
              `PUT ${url} HTTP/1.1\r\nHost: docker\r\nContent-Type: application/x-tar\r\n` +
                "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            ),
          )
          for await (const chunk of tar) {
            if (chunk.length === 0) continue
            await writeAll(conn, encoder.encode(`${chunk.length.toString(16)}\r\n`))
            await writeAll(conn, chunk)
            await writeAll(conn, CRLF)
          }
          await writeAll(conn, encoder.encode("0\r\n\r\n"))
          const { head, rest } = await readHead(conn)
          return { status: statusOf(head), body: await readAll(conn, rest) }
        },
        catch: unreachable,
      }).pipe(Effect.ensuring(Effect.sync(() => closeQuietly(conn))))
      if (answer.status !== 200) {
        return yield* new DockerApiError({
          method: "PUT",
          path: `/containers/${container}/archive`,
          status: answer.status,
          detail: messageOf(answer.body),
        })
      }
    })

  /** The body as a web stream, read straight off the connection, which closes with the scope. */
  const get = (container: string, path: string): Effect.Effect<ReadableStream<Uint8Array>, EngineError, Scope.Scope> =>
    Effect.gen(function* () {
      const url = target(container, path, yield* api.negotiate)
      const conn = yield* Effect.acquireRelease(dial(endpoint), (conn) => Effect.sync(() => closeQuietly(conn)))
      const { head, rest } = yield* Effect.tryPromise({
        try: async () => {
          await writeAll(conn, encoder.encode(`GET ${url} HTTP/1.0\r\nHost: docker\r\n\r\n`))
          return await readHead(conn)
        },
        catch: unreachable,
      })
      const status = statusOf(head)
      if (status !== 200) {
        const body = yield* Effect.tryPromise({ try: () => readAll(conn, rest), catch: unreachable })
        return yield* new DockerApiError({
          method: "GET",
          path: `/containers/${container}/archive`,
          status,
          detail: messageOf(body),
        })
      }
      async function* body() {
        if (rest.length > 0) yield rest
        yield* conn.readable
      }
      return ReadableStream.from(body())
    })

  return { put, get } as const
}
