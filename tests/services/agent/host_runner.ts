/**
 * An AgentRunner that starts the command on this machine instead of in a worker, with the worker's
 * paths mapped to host directories: it lets the run loop be tested against the real opencode binary
 * without a container.
 */
import { Effect, Layer, Stream } from "effect"
import { AgentWorkerFailed } from "../../../src/services/agent/AgentError.ts"
import { AgentRunner, type ProcessLine } from "../../../src/services/agent/AgentRunner.ts"

export interface HostMapping {
  readonly opencode: string
  /** Worker path prefix → host path, e.g. "/workspace" → a temporary repository. */
  readonly paths: Readonly<Record<string, string>>
}

const lines = (stream: ReadableStream<Uint8Array>, fd: ProcessLine["fd"]) =>
  Stream.fromReadableStream({
    evaluate: () => stream,
    onError: (error) => new AgentWorkerFailed({ worker: "host", detail: String(error) }),
  }).pipe(Stream.decodeText(), Stream.splitLines, Stream.map((line): ProcessLine => ({ fd, line })))

export const hostRunner = (mapping: HostMapping) => {
  // Longest prefix first, so /devvy/agent/data maps before /devvy/agent.
  const prefixes = Object.entries(mapping.paths).sort(([a], [b]) => b.length - a.length)
  const map = (value: string) => {
    for (const [from, to] of prefixes) if (value.startsWith(from)) return to + value.slice(from.length)
    return value
  }
  return Layer.succeed(AgentRunner, {
    start: (_worker, command) =>
      Effect.gen(function* () {
        const [program, ...args] = command.argv
        const child = yield* Effect.sync(() =>
          new Deno.Command(program === "opencode" ? mapping.opencode : program, {
            args: args.map(map),
            env: Object.fromEntries(Object.entries(command.env).map(([k, v]) => [k, map(v)])),
            clearEnv: true,
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
}
