import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type { AgentWorkerFailed } from "./AgentError.ts"

/** One line a process wrote, and where. */
export interface ProcessLine {
  readonly fd: "stdout" | "stderr"
  readonly line: string
}

export interface AgentCommand {
  readonly argv: ReadonlyArray<string>
  readonly env: Readonly<Record<string, string>>
  /** Written to the process's stdin, which is then closed: opencode waits on an open stdin. */
  readonly stdin: string
}

/** A started process: its output line by line, its exit code once the output has ended, and a way to end it. */
export interface AgentProcess {
  readonly lines: Stream.Stream<ProcessLine, AgentWorkerFailed>
  readonly exitCode: Effect.Effect<number, AgentWorkerFailed>
  /** Ends the process and whatever it started; harmless once it has exited. */
  readonly kill: Effect.Effect<void>
}

/**
 * Where opencode runs. The live one executes in the ticket's worker container; the port keeps the run
 * loop (stall timer, session, usage, errors) independent of how the process is reached.
 */
export class AgentRunner extends Context.Tag("devvy/AgentRunner")<AgentRunner, {
  readonly start: (worker: string, command: AgentCommand) => Effect.Effect<AgentProcess, AgentWorkerFailed, Scope.Scope>
}>() {}
