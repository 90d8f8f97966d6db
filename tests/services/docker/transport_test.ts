/** Why the engine could not be reached, and which of those reasons are worth another try. */
import assert from "node:assert/strict"
import { Effect } from "effect"
import { isTransient } from "../../../src/services/docker/api.ts"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import * as DockerEngineLive from "../../../src/services/docker/engine.ts"
import { closeQuietly } from "../../../src/services/docker/hijack.ts"
import { describe } from "../../../src/services/docker/transport.ts"

/** What fetch throws for a socket error: a TypeError whose cause names the OS error only in its text. */
const fetchError = (text: string) =>
  new TypeError("fetch failed", { cause: new Error(`error sending request for url (http://docker/_ping): ${text}`) })

Deno.test("socket errors are read into a reason, from Deno's error classes and from fetch's message text", () => {
  const cases: ReadonlyArray<readonly [unknown, string]> = [
    [new Deno.errors.NotFound("no socket"), "socket-missing"],
    [new Deno.errors.ConnectionRefused("refused"), "refused"],
    [new Deno.errors.PermissionDenied("denied"), "permission"],
    [new Deno.errors.ConnectionReset("reset"), "reset"],
    [new Deno.errors.BrokenPipe("pipe"), "reset"],
    [fetchError("client error (Connect): No such file or directory (os error 2)"), "socket-missing"],
    [fetchError("client error (Connect): Connection refused (os error 111)"), "refused"],
    [fetchError("client error (Connect): Permission denied (os error 13)"), "permission"],
    [fetchError("client error (SendRequest): connection closed before message completed"), "reset"],
    [fetchError("client error (SendRequest): Connection reset by peer (os error 104)"), "reset"],
    [new Error("something nobody expected"), "other"],
    ["not even an error", "other"],
  ]
  for (const [error, reason] of cases) assert.equal(describe(error).reason, reason, String(error))
  assert.match(describe(new Deno.errors.PermissionDenied("denied")).detail, /docker group/)
  assert.equal(describe(new Error("something nobody expected")).detail, "something nobody expected")
})

Deno.test("only a dropped connection or an unknown failure is retried; a missing socket, a refusal or a denial is not", () => {
  assert.deepEqual(
    (["socket-missing", "refused", "permission", "reset", "other"] as const).filter(isTransient),
    ["reset", "other"],
  )
})

const versionAnswer = (connection: "close" | "keep-alive") => {
  const body = JSON.stringify({ Version: "99.0.0", ApiVersion: "1.41", MinAPIVersion: "1.12" })
  return new TextEncoder().encode(
    `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
      `Connection: ${connection}\r\n\r\n${body}`,
  )
}

/** Over a socket fetch writes the request line as a proxy would: `GET http://docker/version HTTP/1.1`. */
const isVersionRequest = (head: string) => /^GET \S*\/version HTTP/.test(head)

/** An engine on a Unix socket spoken to by hand, one `serve` per connection. */
const socketEngine = async (
  serve: (conn: Deno.Conn, firstRead: string) => Promise<void>,
  test: (host: string) => Promise<void>,
) => {
  const dir = await Deno.makeTempDir({ prefix: "devvy-socket-engine-" })
  const listener = Deno.listen({ transport: "unix", path: `${dir}/docker.sock` })
  const served: Array<Promise<void>> = []
  const open = new Set<Deno.Conn>()
  const accepting = (async () => {
    for await (const conn of listener) {
      open.add(conn)
      served.push(
        (async () => {
          const buffer = new Uint8Array(64 * 1024)
          const n = await conn.read(buffer).catch(() => null)
          await serve(conn, n === null ? "" : new TextDecoder().decode(buffer.subarray(0, n)))
        })().catch(() => {}).finally(() => conn.close()),
      )
    }
  })().catch(() => {})
  try {
    await test(`unix://${dir}/docker.sock`)
  } finally {
    listener.close()
    await accepting
    // Whatever the client left open is closed here, so that a failing test still ends.
    open.forEach(closeQuietly)
    await Promise.all(served)
    await Deno.remove(dir, { recursive: true })
  }
}

/** Answers /version and drops every other request unanswered, counting them. */
const droppingEngine = (test: (host: string, dropped: () => number) => Promise<void>) => {
  let dropped = 0
  return socketEngine(async (conn, head) => {
    if (isVersionRequest(head)) await conn.write(versionAnswer("close"))
    else dropped++
  }, (host) => test(host, () => dropped))
}

const run = <A, E>(host: string, f: (docker: DockerEngine["Type"]) => Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.flatMap(DockerEngine, f).pipe(Effect.provide(DockerEngineLive.layerAt(host))))

Deno.test("a read whose connection the engine drops is retried, and then fails as unreachable with reason reset", async () => {
  await droppingEngine(async (host, dropped) => {
    const error = await run(host, (docker) => Effect.flip(docker.inspectImage("x:1")))
    assert.equal(error._tag, "EngineUnreachable")
    assert.equal(error._tag === "EngineUnreachable" ? error.reason : undefined, "reset")
    assert.equal(dropped(), 5, "one try and four retries")
  })
})

Deno.test("an import whose connection the engine drops is not sent twice", async () => {
  await droppingEngine(async (host, dropped) => {
    const tar = new ReadableStream<Uint8Array>({ start: (c) => c.close() })
    const error = await run(host, (docker) => Effect.flip(docker.importImage({ repo: "x", tag: "1", tar })))
    assert.equal(error._tag, "EngineUnreachable")
    assert.equal(dropped(), 1)
  })
})

Deno.test("the engine's socket connections are closed when its layer is released", async () => {
  let closed: () => void = () => {}
  const connectionClosed = new Promise<"closed">((resolve) => closed = () => resolve("closed"))
  await socketEngine(async (conn) => {
    // Keep-alive, and every request answered the same: only the client closing its pool ends this connection.
    await conn.write(versionAnswer("keep-alive"))
    while (await conn.read(new Uint8Array(64 * 1024)).catch(() => null) !== null) {
      await conn.write(versionAnswer("keep-alive"))
    }
    closed()
  }, async (host) => {
    const info = await run(host, (docker) => docker.ping())
    assert.equal(info.version, "99.0.0")
    let timer: ReturnType<typeof setTimeout> | undefined
    const stillOpen = new Promise<"open">((resolve) => timer = setTimeout(() => resolve("open"), 10_000))
    const outcome = await Promise.race([connectionClosed, stillOpen])
    clearTimeout(timer)
    assert.equal(outcome, "closed", "the pooled connection outlived the layer")
  })
})
