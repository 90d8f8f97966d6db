/**
 * devvy's Engine API client against the `docker` CLI on the same engine, in one run: an exec round
 * trip, and create + start + remove of a container. Prints `RATIO <name> <devvy median / CLI median>`.
 */
import { Effect } from "effect"
import { DockerEngine } from "../src/services/docker/DockerEngine.ts"
import * as DockerEngineLive from "../src/services/docker/engine.ts"
import { ensureBusyboxImage } from "../tests/support/images/busybox.ts"

const ITERATIONS = Number(Deno.env.get("DEVVY_BENCH_ITERATIONS") ?? 15)
const host = Deno.env.get("DOCKER_HOST") ?? "unix:///var/run/docker.sock"

const median = (values: Array<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Times both contenders after one untimed warm-up each, alternating them so that whatever else the
 * engine is doing weighs on both alike. Returns the two medians in milliseconds.
 */
const measurePair = async (
  devvy: () => Promise<void>,
  cli: () => Promise<void>,
): Promise<readonly [number, number]> => {
  await devvy()
  await cli()
  const times: [Array<number>, Array<number>] = [[], []]
  for (let i = 0; i < ITERATIONS; i++) {
    for (
      const [slot, run] of (i % 2 === 0 ? [[0, devvy], [1, cli]] : [[1, cli], [0, devvy]]) as Array<
        [0 | 1, () => Promise<void>]
      >
    ) {
      const start = performance.now()
      await run()
      times[slot].push(performance.now() - start)
    }
  }
  return [median(times[0]), median(times[1])]
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

const comparison = (name: string, devvy: number, docker: number): Array<string> => [
  `# ${name}: devvy ${devvy.toFixed(1)} ms, docker CLI ${docker.toFixed(1)} ms (medians of ${ITERATIONS})`,
  `RATIO ${name} ${(devvy / docker).toFixed(3)}`,
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

    const [devvyExec, cliExec] = yield* Effect.promise(() =>
      measurePair(run(docker.exec(target.id, { cmd: ["true"] })), () => cli("exec", target.id, "true").then(() => {}))
    )

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
    const [devvyLifecycle, cliLifecycleMedian] = yield* Effect.promise(() => measurePair(run(lifecycle), cliLifecycle))
    return [
      ...comparison("docker-exec", devvyExec, cliExec),
      ...comparison("docker-create-start-remove", devvyLifecycle, cliLifecycleMedian),
    ]
  })
  return await Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(DockerEngineLive.layerAt(host))))
}
