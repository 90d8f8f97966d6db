import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { TicketId } from "../domain/TicketId.ts"
import { AgentUsage } from "../services/agent/AgentUsage.ts"
import { budgetTokens } from "../services/agent/budget.ts"
import { DevvyPaths } from "../services/config/DevvyPaths.ts"
import { TicketBusy, TicketLease } from "../services/store/TicketLease.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { ticketIdArg } from "./args.ts"
import { detachDriver } from "./detach.ts"
import { StoreLayer } from "./layers.ts"
import { UsageError } from "./usage_error.ts"

const background = Options.boolean("background").pipe(
  Options.withAlias("d"),
  Options.withDescription("detach: continue in the background and return at once"),
)

const maxCostUsd = Options.float("max-cost-usd").pipe(
  Options.withDescription("raise this ticket's budget to this many dollars, then continue"),
  Options.optional,
)
const maxTokens = Options.integer("max-tokens").pipe(
  Options.withDescription("raise this ticket's budget to this many tokens (input + output), then continue"),
  Options.optional,
)

export interface BudgetRaise {
  readonly maxCostUsd: Option.Option<number>
  readonly maxTokens: Option.Option<number>
}

/**
 * Stores the ticket's new limits. A limit at or under what the ticket has spent would stop it again at once, so it
 * is refused, naming what was spent.
 */
const raiseBudget = (id: TicketId, raise: BudgetRaise) =>
  Effect.gen(function* () {
    if (Option.isNone(raise.maxCostUsd) && Option.isNone(raise.maxTokens)) return
    const spent = yield* (yield* AgentUsage).total(id)
    if (Option.isSome(raise.maxCostUsd) && !(raise.maxCostUsd.value > spent.cost)) {
      return yield* new UsageError({
        detail: `ticket ${id} has spent $${spent.cost.toFixed(2)}: give --max-cost-usd above that`,
      })
    }
    if (Option.isSome(raise.maxTokens) && !(raise.maxTokens.value > budgetTokens(spent))) {
      return yield* new UsageError({
        detail: `ticket ${id} has used ${
          budgetTokens(spent).toLocaleString("en-US")
        } tokens: give --max-tokens above that`,
      })
    }
    yield* (yield* TicketStore).setBudget(id, {
      ...Option.match(raise.maxCostUsd, { onNone: () => ({}), onSome: (maxCostUsd) => ({ maxCostUsd }) }),
      ...Option.match(raise.maxTokens, { onNone: () => ({}), onSome: (maxTokens) => ({ maxTokens }) }),
    })
  }).pipe(Effect.provide(AgentUsage.Default))

/** Hands the ticket to a background driver, unless a live process drives it already. */
export const continueInBackground = (id: TicketId) =>
  Effect.gen(function* () {
    const busy = (yield* (yield* TicketLease).drivers()).get(id)
    if (busy !== undefined) return yield* new TicketBusy({ id, pid: busy.pid, host: busy.host })
    return yield* detachDriver(id, (yield* DevvyPaths).home)
  })

/** Drives the ticket in this process, printing each transition, until it is terminal or interrupted. */
export const driveInForeground = (id: TicketId) =>
  Effect.flatMap(Effect.promise(() => import("./resume_work.ts")), (work) => work.driveInForeground(id))

export const resumeCommand = Command.make(
  "resume",
  { id: ticketIdArg, background, maxCostUsd, maxTokens },
  ({ id, background, ...raise }) =>
    Effect.gen(function* () {
      yield* (yield* TicketStore).get(id)
      yield* raiseBudget(id, raise)
      if (!background) return yield* driveInForeground(id)
      const pid = yield* continueInBackground(id)
      yield* Console.log(`Ticket ${id} continues in the background (pid ${pid}).`)
    }).pipe(Effect.provide(StoreLayer)),
).pipe(
  Command.withDescription(
    "Continue a ticket from its stored state, after Ctrl-C, a crash or a reboot, with nothing lost or repeated; " +
      "--max-cost-usd/--max-tokens raise the budget of a ticket that stopped on it",
  ),
)
