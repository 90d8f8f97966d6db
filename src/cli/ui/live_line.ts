/**
 * The live line of a foreground run on a terminal: the ticket's state, how long it has been in it, the agent's
 * latest action (or validation's current script), and its tokens and cost so far, redrawn in place a few times a
 * second under the transition lines. Off a terminal (a pipe, a file, a `-d` driver's log) nothing of it is drawn.
 */
import { Terminal } from "@effect/platform/Terminal"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import type { State } from "../../domain/State.ts"
import type { Ticket } from "../../domain/Ticket.ts"
import { type Activity, TicketActivity } from "../../services/tracing/TicketActivity.ts"
import { printTransition } from "./progress.ts"
import { bold, cyan, dim, stdoutIsTerminal } from "./terminal.ts"
import { formatElapsed } from "./time.ts"

export interface LiveView {
  readonly state: State
  /** When the ticket entered its state, in ms since the epoch. */
  readonly since: number
  readonly action: string | undefined
  readonly tokens: number
  readonly cost: number
}

const frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

export const applyActivity = (view: LiveView, activity: Activity): LiveView => {
  switch (activity._tag) {
    case "Tool":
      return { ...view, action: `${activity.tool} ${activity.target}`.trim() }
    case "Script":
      return { ...view, action: activity.script }
    case "Usage":
      return { ...view, tokens: view.tokens + activity.tokens, cost: view.cost + activity.cost }
  }
}

/**
 * One line no wider than the terminal (a wrapped line could not be redrawn in place): the action is what gets
 * shortened. Colours come from terminal.ts, so NO_COLOR leaves plain text.
 */
export const renderLiveLine = (
  view: LiveView,
  options: { readonly now: number; readonly frame: number; readonly columns: number },
): string => {
  const spinner = frames[options.frame % frames.length]
  const elapsed = formatElapsed(options.now - view.since)
  const head = `${spinner} ${view.state} ${elapsed}`
  const tail = `${view.tokens.toLocaleString("en-US")} tokens · $${view.cost.toFixed(2)}`
  const room = Math.max(0, (options.columns > 0 ? options.columns - 1 : 119) - head.length - tail.length - 6)
  const action = view.action === undefined || room < 4
    ? undefined
    : view.action.length > room
    ? `${view.action.slice(0, room - 1)}…`
    : view.action
  return [`${cyan(spinner)} ${bold(view.state)} ${elapsed}`, ...(action === undefined ? [] : [action]), dim(tail)]
    .join(" · ")
}

// Carriage return, then erase the line. Written out because @effect/printer-ansi's stringify prefixes every
// command with an SGR reset, which is a colour code NO_COLOR asks us not to print.
const clearLine = "\r\x1b[2K"

/**
 * Drives with a live line when stdout is a terminal; otherwise just prints the transitions. `drive` gets the
 * transition printer to use, which clears the live line before its line.
 */
export const withLiveLine = <A, E, R>(
  start: LiveView,
  drive: (onTransition: (ticket: Ticket, from: State) => Effect.Effect<void>) => Effect.Effect<A, E, R>,
): Effect.Effect<A, E, R | Terminal> => {
  if (!stdoutIsTerminal()) return drive(printTransition)
  return Effect.scoped(Effect.gen(function* () {
    const terminal = yield* Terminal
    const view = yield* Ref.make(start)
    const shown = yield* Ref.make(false)
    const frame = yield* Ref.make(0)
    // Redraws and transition lines take turns, so a line is never printed in the middle of a redraw.
    const turn = yield* Effect.makeSemaphore(1)
    const write = (text: string) => terminal.display(text).pipe(Effect.ignore)

    const draw = turn.withPermits(1)(Effect.gen(function* () {
      const line = renderLiveLine(yield* Ref.get(view), {
        now: yield* Clock.currentTimeMillis,
        frame: yield* Ref.getAndUpdate(frame, (n) => n + 1),
        columns: yield* terminal.columns,
      })
      yield* write(clearLine + line)
      yield* Ref.set(shown, true)
    }))
    const clear = Effect.whenEffect(Effect.zipRight(write(clearLine), Ref.set(shown, false)), Ref.get(shown))
    const onTransition = (ticket: Ticket, from: State) =>
      turn.withPermits(1)(Effect.gen(function* () {
        yield* clear
        yield* printTransition(ticket, from)
        yield* Ref.update(
          view,
          (v) => ({ ...v, state: ticket.state, since: ticket.updatedAt.getTime(), action: undefined }),
        )
      }))

    // Finalizers run last-added first: the redrawing stops before the line is cleared for good.
    yield* Effect.addFinalizer(() => turn.withPermits(1)(clear))
    yield* Effect.forkScoped(Effect.repeat(draw, Schedule.spaced("250 millis")))
    const watcher = TicketActivity.of({
      report: (_id, activity) => Ref.update(view, (v) => applyActivity(v, activity)),
    })
    return yield* drive(onTransition).pipe(Effect.provideService(TicketActivity, watcher))
  }))
}
