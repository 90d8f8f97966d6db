import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/** What a ticket is doing right now, as the pipeline and the agent report it. */
export type Activity =
  /** The agent used a tool: `write src/app.ts`, `bash npm test`. */
  | { readonly _tag: "Tool"; readonly tool: string; readonly target: string }
  /** Validation is running one of the repository's scripts (or building its image). */
  | { readonly _tag: "Script"; readonly script: string }
  /** The agent reported more usage: tokens (input + output) and dollars to add. */
  | { readonly _tag: "Usage"; readonly tokens: number; readonly cost: number }

/**
 * Whoever watches a ticket as it runs: the live line of a foreground `devvy run` on a terminal. A per-run value,
 * present only there; everywhere else no one watches and reporting costs nothing.
 */
export class TicketActivity extends Context.Tag("devvy/TicketActivity")<TicketActivity, {
  readonly report: (ticketId: string, activity: Activity) => Effect.Effect<void>
}>() {}

/** Tells the watcher, if there is one. */
export const reportActivity = (ticketId: string, activity: Activity): Effect.Effect<void> =>
  Effect.flatMap(Effect.serviceOption(TicketActivity), (watcher) =>
    Option.match(watcher, {
      onNone: () => Effect.void,
      onSome: (w) => w.report(ticketId, activity),
    }))
