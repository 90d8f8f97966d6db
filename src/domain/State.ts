import * as Rec from "effect/Record"
import * as Schema from "effect/Schema"

export const State = Schema.Literal(
  "RECEIVED",
  "PREPARE_ENV",
  "PLAN",
  "IMPLEMENT",
  "VALIDATE",
  "CREATE_PR",
  "WAIT_FOR_REVIEW",
  "RESPOND_TO_REVIEW",
  "FIX_CHECKS",
  "MERGED",
  "FAILED",
  "CANCELLED",
)
export type State = typeof State.Type

export type TerminalState = "MERGED" | "FAILED" | "CANCELLED"
export type LiveState = Exclude<State, TerminalState>

export const terminalStates: ReadonlySet<State> = new Set<TerminalState>(["MERGED", "FAILED", "CANCELLED"])

export const isTerminal = (state: State): state is TerminalState => terminalStates.has(state)

export const liveStates: ReadonlyArray<LiveState> = State.literals.filter((s): s is LiveState => !isTerminal(s))

/**
 * The forward edges of the ticket state machine. FAILED and CANCELLED are reachable from every
 * non-terminal state, so they are added below instead of being repeated on every row.
 */
const forward: Readonly<Record<State, ReadonlyArray<State>>> = {
  RECEIVED: ["PREPARE_ENV"],
  PREPARE_ENV: ["PLAN"],
  PLAN: ["IMPLEMENT"],
  IMPLEMENT: ["VALIDATE"],
  VALIDATE: ["CREATE_PR", "WAIT_FOR_REVIEW"],
  CREATE_PR: ["WAIT_FOR_REVIEW"],
  WAIT_FOR_REVIEW: ["RESPOND_TO_REVIEW", "FIX_CHECKS", "MERGED"],
  RESPOND_TO_REVIEW: ["WAIT_FOR_REVIEW", "VALIDATE"],
  FIX_CHECKS: ["WAIT_FOR_REVIEW", "VALIDATE"],
  MERGED: [],
  FAILED: [],
  CANCELLED: [],
}

export const transitions: Readonly<Record<State, ReadonlySet<State>>> = Rec.map(
  forward,
  (targets, from): ReadonlySet<State> => new Set(isTerminal(from) ? [] : [...targets, "FAILED", "CANCELLED"]),
)

export const canTransition = (from: State, to: State): boolean => transitions[from].has(to)

export class IllegalTransition extends Schema.TaggedError<IllegalTransition>()("IllegalTransition", {
  from: State,
  to: State,
}) {
  override get message(): string {
    const allowed = [...transitions[this.from]].join(", ") || "none: it is terminal"
    return `a ticket in ${this.from} cannot move to ${this.to} (allowed: ${allowed})`
  }
}
