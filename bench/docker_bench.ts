/**
 * devvy's Engine API client against the `docker` CLI on the same engine, in one run: an exec round
 * trip, and create + start + remove of a container. Prints `RATIO <name> <devvy median / CLI median>`.
 * The exec is also measured against the bare Engine API calls it makes (`docker-exec-vs-raw`): what
 * devvy costs beyond the engine's own work.
 */
import { Effect, Schema } from "effect"
import { DockerEngine } from "../src/services/docker/DockerEngine.ts"
import * as DockerEngineLive from "../src/services/docker/engine.ts"
import { parseHost } from "../src/services/docker/transport.ts"
import { ensureBusyboxImage } from "../tests/support/images/busybox.ts"

const ITERATIONS = Number(Deno.env.get("DEVVY_BENCH_ITERATIONS") ?? 15)
/** An exec is a tenth of a lifecycle, and its medians need more samples to settle on a shared machine. */
const EXEC_ITERATIONS = ITERATIONS * 3
const host = Deno.env.get("DOCKER_HOST") ?? "unix:///var/run/docker.sock"

const median = (values: Array<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Times the contenders after one untimed warm-up each, rotating which goes first so that whatever else
 * the engine is doing weighs on all alike. Returns their medians in milliseconds, in order.
 */
const measure = async (
  contenders: ReadonlyArray<() => Promise<void>>,
  iterations = ITERATIONS,
): Promise<Array<number>> => {
  for (const run of contenders) await run()
  const times = contenders.map((): Array<number> => [])
  for (let i = 0; i < iterations; i++) {
    for (let k = 0; k < contenders.length; k++) {
      const slot = (i + k) % contenders.length
      const start = performance.now()
      await contenders[slot]()
      times[slot].push(performance.now() - start)
    }
  }
  return times.map(median)
}

const ExecCreated = Schema.Struct({ Id: Schema.String })
const ExecInspect = Schema.Struct({ Running: Schema.Boolean, ExitCode: Schema.NullOr(Schema.Number) })
const encoder = new TextEncoder()

/**
 * The exec as bare Engine API calls over the socket, with nothing around them: create, start on a
 * connection of its own read to its end, one inspect for the exit code. Unix sockets only.
 */
const rawExec = (socket: string, apiVersion: string) => {
  const client = Deno.createHttpClient({ proxy: { transport: "unix", path: socket } })
  const base = `http://docker/v${apiVersion}`
  const startBody = JSON.stringify({ Detach: false, Tty: false })
  const buffer = new Uint8Array(64 * 1024)
  const run = (containerId: string, cmd: ReadonlyArray<string>) => async (): Promise<void> => {
    const created = await fetch(`${base}/containers/${containerId}/exec`, {
      method: "POST",
      client,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ Cmd: cmd, AttachStdout: true, AttachStderr: true }),
    })
    const { Id } = Schema.decodeUnknownSync(ExecCreated)(await created.json())
    const conn = await Deno.connect({ transport: "unix", path: socket })
    try {
      const request = `POST /v${apiVersion}/exec/${Id}/start HTTP/1.1\r\nHost: docker\r\n` +
        "Content-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n" +
        `Content-Length: ${startBody.length}\r\n\r\n${startBody}`
      await conn.write(encoder.encode(request))
      while (await conn.read(buffer) !== null) {
        // The output of `true` is empty: reading to the end is waiting for the process to exit.
      }
    } finally {
      conn.close()
    }
    const inspected = await fetch(`${base}/exec/${Id}/json`, { client })
    const info = Schema.decodeUnknownSync(ExecInspect)(await inspected.json())
    if (info.Running || info.ExitCode !== 0) throw new Error(`raw exec ended with ${JSON.stringify(info)}`)
  }
  return { run, close: () => client.close() }
}

/** The CLI, told the engine's API version: newer clients refuse to downgrade on their own. */
const cli = async (...args: Array<string>): Promise<string> => {
  const output = await new Deno.Command("docker", {
    args,
    env: { DOCKER_API_VERSION: "1.41", DOCKER_HOST: host },
    stdout: "piped",
    stderr: "piped",
  }).output()
  if (!output.success) throw new Error(`docker ${args.join(" ")}: ${new TextDecoder().decode(output.stderr)}`)
  return new TextDecoder().decode(output.stdout).trim()
}

const comparison = (name: string, devvy: number, reference: number, against = "docker CLI"): Array<string> => [
  `# ${name}: devvy ${devvy.toFixed(1)} ms, ${against} ${reference.toFixed(1)} ms (medians)`,
  `RATIO ${name} ${(devvy / reference).toFixed(3)}`,
]

export default async (): Promise<ReadonlyArray<string>> => {
  const program = Effect.gen(function* () {
    const docker = yield* DockerEngine
    const ping = yield* Effect.either(docker.ping())
    if (ping._tag === "Left") return [`# docker bench skipped: ${ping.left.message}`]
    const image = yield* ensureBusyboxImage
    const labels = { "devvy.bench": "docker" }
    const target = yield* docker.runContainer({ image, cmd: ["sleep", "3600"], labels })
    const run = <A, E>(effect: Effect.Effect<A, E>) => () => Effect.runPromise(Effect.asVoid(effect))

    const socket = parseHost(host)
    const raw = socket._tag === "Unix"
      ? yield* Effect.acquireRelease(
        Effect.sync(() => rawExec(socket.path, ping.right.apiVersion)),
        (raw) => Effect.sync(raw.close),
      )
      : undefined
    const execs = [
      run(docker.exec(target.id, { cmd: ["true"] })),
      () => cli("exec", target.id, "true").then(() => {}),
      ...(raw === undefined ? [] : [raw.run(target.id, ["true"])]),
    ]
    const [devvyExec, cliExec, rawExecMedian] = yield* Effect.promise(() => measure(execs, EXEC_ITERATIONS))

    const lifecycle = Effect.gen(function* () {
      const id = yield* docker.createContainer({ image, cmd: ["sleep", "3600"], labels })
      yield* docker.startContainer(id)
      yield* docker.removeContainer(id)
    })
    const cliLifecycle = async () => {
      const id = await cli(
        "run",
        "-d",
        "--security-opt",
        "no-new-privileges",
        "--label",
        "devvy.bench=docker",
        image,
        "sleep",
        "3600",
      )
      await cli("rm", "-f", id)
    }
    const [devvyLifecycle, cliLifecycleMedian] = yield* Effect.promise(() => measure([run(lifecycle), cliLifecycle]))
    return [
      ...comparison("docker-exec", devvyExec, cliExec),
      ...(rawExecMedian === undefined
        ? ["# docker-exec-vs-raw skipped: the raw reference speaks only over a Unix socket"]
        : comparison("docker-exec-vs-raw", devvyExec, rawExecMedian, "raw Engine API calls")),
      ...comparison("docker-create-start-remove", devvyLifecycle, cliLifecycleMedian),
    ]
  })
  return await Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(DockerEngineLive.layerAt(host))))
}
