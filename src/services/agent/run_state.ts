/**
 * What one opencode run has said so far, folded line by line, and how it ended. Pure, so the rules
 * (which error wins, what the final answer is) are tested without a process.
 */
import * as Either from "effect/Either"
import { AgentExited, AgentModelError, AgentRejected } from "./AgentError.ts"
import { Usage } from "./AgentUsage.ts"
import { isRejection, type ParsedLine, sessionIdOf } from "./events.ts"

export interface RunState {
  readonly sessionId: string | undefined
  /** The texts of the current step; the final answer is the texts of the last step that had any. */
  readonly stepTexts: ReadonlyArray<string>
  readonly answer: string
  readonly usage: Usage
  readonly lastFinishReason: string | undefined
  readonly modelError: AgentModelError | undefined
  readonly rejection: AgentRejected | undefined
  readonly stderrTail: ReadonlyArray<string>
}

export const initialRunState: RunState = {
  sessionId: undefined,
  stepTexts: [],
  answer: "",
  usage: Usage.zero,
  lastFinishReason: undefined,
  modelError: undefined,
  rejection: undefined,
  stderrTail: [],
}

/** Usage reported by one line, if it is a step_finish. */
export const usageOf = (line: ParsedLine): Usage | undefined => {
  if (line._tag !== "Event" || line.event._tag !== "step_finish") return undefined
  const { tokens, cost } = line.event.part
  return new Usage({
    input: tokens.input,
    output: tokens.output,
    reasoning: tokens.reasoning,
    cacheRead: tokens.cache.read,
    cacheWrite: tokens.cache.write,
    cost,
  })
}

export const onStdout = (state: RunState, line: ParsedLine): RunState => {
  const next = { ...state, sessionId: state.sessionId ?? sessionIdOf(line) }
  if (line._tag !== "Event") return next
  const event = line.event
  switch (event._tag) {
    case "step_start":
      return { ...next, stepTexts: [] }
    case "text": {
      const stepTexts = [...next.stepTexts, event.part.text]
      return { ...next, stepTexts, answer: stepTexts.join("\n\n").trim() }
    }
    case "step_finish":
      return { ...next, usage: next.usage.plus(usageOf(line) ?? Usage.zero), lastFinishReason: event.part.reason }
    case "tool_use":
      return isRejection(event) && next.rejection === undefined
        ? { ...next, rejection: new AgentRejected({ tool: event.part.tool, detail: event.part.state.error ?? "" }) }
        : next
    case "error":
      return {
        ...next,
        modelError: next.modelError ?? new AgentModelError({
          name: event.error.name,
          detail: event.error.data?.message ?? "no message",
          ...(event.error.data?.statusCode === undefined ? {} : { statusCode: event.error.data.statusCode }),
        }),
      }
  }
}

const stderrKept = 40

export const onStderr = (state: RunState, line: string): RunState => {
  const stderrTail = [...state.stderrTail, line].slice(-stderrKept)
  // The permission prompt opencode cannot show in `run` is only visible here, e.g.
  // "permission requested: external_directory (/etc/*); auto-rejecting".
  const rejected = /auto-rejecting/i.test(line) && state.rejection === undefined
  return rejected
    ? { ...state, stderrTail, rejection: new AgentRejected({ tool: "permission", detail: line.trim() }) }
    : { ...state, stderrTail }
}

/** The run is over as far as the model is concerned: opencode should exit now. */
export const isFinished = (state: RunState): boolean => state.lastFinishReason === "stop"

export interface RunResult {
  readonly sessionId: string
  /** The agent's final answer: the text of its last step that said anything. */
  readonly text: string
  readonly usage: Usage
}

export type RunFailure = AgentModelError | AgentRejected | AgentExited

/**
 * How a run that ended (exit code known, or ended by devvy after its last step) turned out. The model's
 * own error explains more than an exit code; a rejected permission fails the phase although opencode
 * exits 0.
 */
export const outcome = (state: RunState, exitCode: number | "ended"): Either.Either<RunResult, RunFailure> => {
  if (state.modelError) return Either.left(state.modelError)
  if (state.rejection) return Either.left(state.rejection)
  const stderr = state.stderrTail.join("\n")
  if (exitCode !== 0 && exitCode !== "ended") return Either.left(new AgentExited({ exitCode, stderr }))
  if (state.sessionId === undefined) {
    return Either.left(new AgentExited({ exitCode: 0, stderr: stderr || "opencode printed no events" }))
  }
  return Either.right({ sessionId: state.sessionId, text: state.answer, usage: state.usage })
}
