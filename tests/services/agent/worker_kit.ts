/** A real worker container for the agent tests: the test worker image, the ticket's mounts, host networking. */
import { Effect, Layer } from "effect"
import { workerPaths } from "../../../src/services/agent/credentials.ts"
import { DockerAgentRunner } from "../../../src/services/agent/docker_runner.ts"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import * as DockerEngineLive from "../../../src/services/docker/engine.ts"
import { ensureWorkerTestImage } from "../../support/images/worker_test_image.ts"
import type { WorkerKit } from "./scenarios.ts"

export const engine = DockerEngineLive.layerAt(Deno.env.get("DOCKER_HOST") ?? "unix:///var/run/docker.sock")

export const worker: WorkerKit<DockerEngine> = {
  runner: DockerAgentRunner.pipe(Layer.provideMerge(engine)),
  start: ({ id, workspace, mounts }) =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const image = yield* ensureWorkerTestImage
      const container = yield* docker.runContainer({
        image,
        cmd: ["sleep", "infinity"],
        init: true,
        // As devvy runs workers: as the invoking user, so what the agent writes stays theirs.
        user: `${Deno.uid() ?? 0}:${Deno.gid() ?? 0}`,
        labels: { "devvy.ticket": id, "devvy.test": "agent" },
        binds: [`${workspace}:${workerPaths.workspace}`, ...mounts.binds],
        env: mounts.env,
        workingDir: workerPaths.workspace,
        network: "host",
      })
      return { worker: container.id, workspace: workerPaths.workspace }
    }),
}

/** The command lines of the processes running in the container. */
export const processes = (container: string) =>
  Effect.gen(function* () {
    const docker = yield* DockerEngine
    const lines: Array<string> = []
    yield* docker.exec(container, {
      cmd: ["sh", "-c", 'for p in /proc/[0-9]*; do tr "\\0" " " < "$p/cmdline"; echo; done'],
      onLine: (_stream, line) => Effect.sync(() => void lines.push(line)),
    })
    return lines.filter((l) => l.trim() !== "")
  })

export const live = { sanitizeOps: false, sanitizeResources: false }
