import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { DockerEngine } from "../docker/DockerEngine.ts"
import { AgentWorkerFailed } from "./AgentError.ts"
import { AgentRunner, type ProcessLine } from "./AgentRunner.ts"
import { workerPaths } from "./credentials.ts"

/** opencode runs in the ticket's worker container, through the engine's exec; killed when its scope closes. */
export const DockerAgentRunner: Layer.Layer<AgentRunner, never, DockerEngine> = Layer.effect(
  AgentRunner,
  Effect.gen(function* () {
    const docker = yield* DockerEngine
    return AgentRunner.of({
      start: (worker, command) => {
        const failed = (error: { readonly message: string }) => new AgentWorkerFailed({ worker, detail: error.message })
        return docker.spawn(worker, {
          cmd: command.argv,
          env: command.env,
          stdin: command.stdin,
          workingDir: workerPaths.workspace,
        }).pipe(
          Effect.map((process) => ({
            lines: process.lines.pipe(
              Stream.map((l): ProcessLine => ({ fd: l.stream, line: l.line })),
              Stream.mapError(failed),
            ),
            exitCode: Effect.mapError(process.exitCode, failed),
            kill: process.kill,
          })),
          Effect.mapError(failed),
        )
      },
    })
  }),
)
