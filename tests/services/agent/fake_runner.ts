/**
 * An AgentRunner that plays back scripted output on the Effect clock, so the run loop's timers (stall,
 * phase timeout, a finished run that does not exit) are tested with TestClock in milliseconds.
 */
import { Deferred, Duration, Effect, Layer, Ref, Stream } from "effect"
import { type AgentCommand, AgentRunner, type ProcessLine } from "../../../src/services/agent/AgentRunner.ts"

export interface Emission {
  /** Seconds after the previous line. */
  readonly after: number
  readonly fd?: ProcessLine["fd"]
  readonly line: string
}

export interface FakeScript {
  readonly output: ReadonlyArray<Emission>
  /** A number: the process exits with it after its output; "never": it keeps running until killed. */
  readonly exit: number | "never"
}

export interface FakeRuns {
  readonly commands: ReadonlyArray<AgentCommand>
  readonly killed: Ref.Ref<number>
  /** Completed when the process has been started: test time may move from then on. */
  readonly started: Deferred.Deferred<void>
}

export const event = (type: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({ type, timestamp: 0, sessionID: "ses_fake", ...fields })

export const stepFinish = (reason: string, input = 100, output = 10, cost = 0.5) =>
  event("step_finish", {
    part: { reason, tokens: { input, output, reasoning: 0, cache: { read: 0, write: 0 } }, cost },
  })

export const fakeRunner = (script: FakeScript) =>
  Effect.gen(function* () {
    const commands: Array<AgentCommand> = []
    const killed = yield* Ref.make(0)
    const started = yield* Deferred.make<void>()
    const runs: FakeRuns = { commands, killed, started }
    const runner = AgentRunner.of({
      start: (_worker, command) =>
        Effect.sync(() => {
          commands.push(command)
          Deferred.unsafeDone(started, Effect.void)
          const output = Stream.fromIterable(script.output).pipe(
            Stream.mapEffect(({ after, fd, line }) =>
              Effect.as(Effect.sleep(Duration.seconds(after)), { fd: fd ?? "stdout", line })
            ),
          )
          return {
            lines: script.exit === "never" ? Stream.concat(output, Stream.never) : output,
            exitCode: Effect.succeed(script.exit === "never" ? 137 : script.exit),
            kill: Ref.update(killed, (n) => n + 1),
          }
        }),
    })
    return { runs, layer: Layer.succeed(AgentRunner, runner) }
  })
