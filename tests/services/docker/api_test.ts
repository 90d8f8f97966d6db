/** The request pipeline against a scripted engine on a Unix socket (and on tcp://), no Docker needed. */
import assert from "node:assert/strict"
import { Effect } from "effect"
import { DockerEngine, type DockerEngineShape } from "../../../src/services/docker/DockerEngine.ts"
import * as DockerEngineLive from "../../../src/services/docker/engine.ts"

type Handler = (request: Request, url: URL) => Response | Promise<Response>

const withFakeEngine = (
  options: { apiVersion: string; minApiVersion?: string; transport?: "unix" | "tcp" },
  handler: Handler,
  test: (host: string, seen: Array<string>) => Promise<void>,
) =>
async () => {
  const dir = await Deno.makeTempDir({ prefix: "devvy-fake-engine-" })
  const seen: Array<string> = []
  const handle = async (request: Request) => {
    const url = new URL(request.url)
    seen.push(`${request.method} ${url.pathname}${url.search}`)
    if (url.pathname === "/version") {
      return Response.json({
        Version: "99.0.0",
        ApiVersion: options.apiVersion,
        MinAPIVersion: options.minApiVersion ?? "1.12",
      })
    }
    return await handler(request, url)
  }
  const server = options.transport === "tcp"
    ? Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handle)
    : Deno.serve({ path: `${dir}/docker.sock`, onListen: () => {} }, handle)
  const host = options.transport === "tcp"
    ? `tcp://127.0.0.1:${(server.addr as Deno.NetAddr).port}`
    : `unix://${dir}/docker.sock`
  try {
    await test(host, seen)
  } finally {
    await server.shutdown()
    await Deno.remove(dir, { recursive: true })
  }
}

const run = <A, E>(host: string, f: (docker: DockerEngineShape) => Effect.Effect<A, E>) =>
  Effect.runPromise(Effect.flatMap(DockerEngine, f).pipe(Effect.provide(DockerEngineLive.layerAt(host))))

const imageJson = { Id: "sha256:abc", RepoTags: ["x:1"], Config: { Labels: null } }

Deno.test(
  "a newer engine is spoken to at the client's version, not its own maximum",
  withFakeEngine({ apiVersion: "1.52", minApiVersion: "1.44" }, () => Response.json(imageJson), async (host, seen) => {
    const info = await run(host, (docker) => docker.inspectImage("x:1"))
    assert.equal(info.id, "sha256:abc")
    assert.deepEqual(seen, ["GET /version", "GET /v1.47/images/x:1/json"])
  }),
)

Deno.test(
  "an engine at API 1.41 is spoken to at 1.41, and the version is asked only once",
  withFakeEngine({ apiVersion: "1.41" }, () => Response.json(imageJson), async (host, seen) => {
    await run(host, (docker) => Effect.zip(docker.inspectImage("x:1"), docker.imageExists("x:1")))
    assert.deepEqual(seen, ["GET /version", "GET /v1.41/images/x:1/json", "GET /v1.41/images/x:1/json"])
  }),
)

Deno.test(
  "an engine older than API 1.41 is refused with advice to upgrade",
  withFakeEngine({ apiVersion: "1.30" }, () => Response.json(imageJson), async (host) => {
    const error = await run(host, (docker) => Effect.flip(docker.ping()))
    assert.equal(error._tag, "EngineUnsupported")
    assert.match(error.message, /speaks API 1\.30.*upgrade Docker/)
  }),
)

Deno.test("server errors on a read are retried and the call then succeeds", async () => {
  let calls = 0
  await withFakeEngine({ apiVersion: "1.41" }, () => {
    calls++
    return calls < 3 ? Response.json({ message: "overloaded" }, { status: 503 }) : Response.json(imageJson)
  }, async (host) => {
    const info = await run(host, (docker) => docker.inspectImage("x:1"))
    assert.equal(info.id, "sha256:abc")
    assert.equal(calls, 3)
  })()
})

Deno.test("a build is never sent twice, and a server error becomes DockerApiError with the engine's words", async () => {
  let builds = 0
  await withFakeEngine({ apiVersion: "1.41" }, async (request) => {
    builds++
    await request.arrayBuffer()
    return new Response("Cannot locate specified Dockerfile: nope", { status: 500 })
  }, async (host) => {
    const error = await run(
      host,
      (docker) => Effect.flip(docker.buildImage({ tag: "x:1", context: { dockerfileText: "FROM scratch\n" } })),
    )
    assert.equal(builds, 1)
    assert.equal(error._tag, "DockerApiError")
    assert.match(error.message, /500 .*Cannot locate specified Dockerfile: nope/)
  })()
})

Deno.test(
  "a client error is not retried, and 404/409 map to their own errors",
  withFakeEngine(
    { apiVersion: "1.41" },
    (_request, url) =>
      url.pathname.endsWith("/start")
        ? Response.json({ message: "Container abc is not running" }, { status: 409 })
        : url.pathname.includes("/containers/create")
        ? Response.json({ message: "No command specified" }, { status: 400 })
        : Response.json({ message: "No such container: gone" }, { status: 404 }),
    async (host, seen) => {
      const bad = await run(host, (docker) => Effect.flip(docker.createContainer({ image: "x:1" })))
      assert.equal(bad._tag, "DockerApiError")
      assert.match(bad.message, /No command specified/)
      const conflict = await run(host, (docker) => Effect.flip(docker.startContainer("abc")))
      assert.equal(conflict._tag, "DockerConflict")
      const missing = await run(host, (docker) => Effect.flip(docker.inspectContainer("gone")))
      assert.equal(missing._tag, "ContainerNotFound")
      assert.match(missing.message, /no container gone/)
      assert.equal(seen.filter((line) => line.startsWith("POST /v1.41/containers/create")).length, 1)
    },
  ),
)

Deno.test(
  "the container body carries binds, limits, user, labels and no-new-privileges",
  withFakeEngine({ apiVersion: "1.41", transport: "tcp" }, async (request) => {
    const body = await request.json()
    return Response.json({ Id: JSON.stringify(body), Warnings: [] }, { status: 201 })
  }, async (host) => {
    const id = await run(host, (docker) =>
      docker.createContainer({
        image: "worker:1",
        name: "devvy-worker-abc123",
        cmd: ["sleep", "infinity"],
        env: { A: "1" },
        user: "1000:1000",
        workingDir: "/workspace",
        labels: { "devvy.ticket": "abc123" },
        binds: ["/host/ws:/workspace"],
        network: "none",
        memoryBytes: 1024,
        cpus: 1.5,
        pidsLimit: 100,
        init: true,
      }))
    assert.deepEqual(JSON.parse(id), {
      Image: "worker:1",
      Cmd: ["sleep", "infinity"],
      Env: ["A=1"],
      WorkingDir: "/workspace",
      User: "1000:1000",
      Labels: { "devvy.ticket": "abc123" },
      HostConfig: {
        Binds: ["/host/ws:/workspace"],
        NetworkMode: "none",
        SecurityOpt: ["no-new-privileges"],
        Memory: 1024,
        MemorySwap: 1024,
        NanoCpus: 1500000000,
        PidsLimit: 100,
        Init: true,
      },
    })
  }),
)
