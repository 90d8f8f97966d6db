/**
 * An AgentRunner that starts the command on this machine instead of in a worker: the "worker" is a host
 * directory standing for the container's root, and the worker's paths (/workspace, /devvy/…) in the
 * arguments and environment are looked up under it. It runs the real opencode binary without Docker.
 */
import { Effect, Layer, Stream } from "effect"
import { AgentWorkerFailed } from "../../../src/services/agent/AgentError.ts"
import { AgentRunner, type ProcessLine } from "../../../src/services/agent/AgentRunner.ts"

const lines = (stream: ReadableStream<Uint8Array>, fd: ProcessLine["fd"]) =>
  Stream.fromReadableStream({
    evaluate: () => stream,
    onError: (error) => new AgentWorkerFailed({ worker: "host", detail: String(error) }),
  }).pipe(Stream.decodeText(), Stream.splitLines, Stream.map((line): ProcessLine => ({ fd, line })))

const workerPath = /^\/(?:workspace|devvy)(?:\/|$)/

export const hostRunner = (opencode: string) =>
  Layer.succeed(AgentRunner, {
    start: (root, command) =>
      Effect.gen(function* () {
        const map = (value: string) => workerPath.test(value) ? `${root}${value}` : value
        const [program, ...args] = command.argv
        const child = yield* Effect.sync(() =>
          new Deno.Command(program === "opencode" ? opencode : program, {
            args: args.map(map),
            env: {
              PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
              ...Object.fromEntries(Object.entries(command.env).map(([k, v]) => [k, map(v)])),
            },
            clearEnv: true,
            cwd: map("/workspace"),
            stdin: "piped",
            stdout: "piped",
            stderr: "piped",
          }).spawn()
        )
        yield* Effect.promise(async () => {
          const writer = child.stdin.getWriter()
          await writer.write(new TextEncoder().encode(command.stdin))
          await writer.close()
        })
        const kill = Effect.sync(() => {
          try {
            child.kill("SIGKILL")
          } catch {
            // Already exited.
          }
        })
        yield* Effect.addFinalizer(() => kill)
        return {
          lines: Stream.merge(lines(child.stdout, "stdout"), lines(child.stderr, "stderr")),
          exitCode: Effect.promise(() => child.status).pipe(Effect.map((s) => s.code)),
          kill,
        }
      }),
  })
