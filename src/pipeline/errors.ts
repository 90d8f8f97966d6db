import * as Schema from "effect/Schema"
import { isOneOf } from "../domain/failure.ts"
import { State } from "../domain/State.ts"
import type { AgentWorkerFailed } from "../services/agent/AgentError.ts"
import type { EngineTlsInvalid, EngineUnreachable } from "../services/docker/DockerError.ts"
import type { ForgeUnavailable } from "../services/forge/ForgeError.ts"

/**
 * Outages that retries have not outlasted: the ticket is not at fault, so it stays in its state for
 * `devvy resume` instead of failing (which would delete its workspace). Certificates the engine refuses
 * are one too: fixing DOCKER_CERT_PATH is the operator's move, not a reason to throw the ticket away.
 */
export type Outage = EngineUnreachable | EngineTlsInvalid | ForgeUnavailable | AgentWorkerFailed

type OutageTag = Outage["_tag"]

export const outageTags = [
  "EngineUnreachable",
  "EngineTlsInvalid",
  "ForgeUnavailable",
  "AgentWorkerFailed",
] as const satisfies ReadonlyArray<OutageTag>

/** Whether a state's failure pauses the ticket rather than failing it. */
export const isOutage = isOneOf<Outage>()(outageTags)

/** The ticket cannot go on as it stands; the runner moves it to FAILED with this message. */
export class TicketRejected extends Schema.TaggedError<TicketRejected>()("TicketRejected", {
  reason: Schema.String,
}) {
  override get message(): string {
    return this.reason
  }
}

/** An outage outlasted the retries: the ticket stays in its state, and `devvy resume` continues it. */
export class TicketPaused extends Schema.TaggedError<TicketPaused>()("TicketPaused", {
  id: Schema.String,
  state: State,
  reason: Schema.String,
}) {
  override get message(): string {
    return `${this.reason}. Ticket ${this.id} stays in ${this.state}: \`devvy resume ${this.id}\` continues it`
  }
}

/** How a foreground run ends when its ticket failed: exit code 1. */
export class TicketFailed extends Schema.TaggedError<TicketFailed>()("TicketFailed", {
  id: Schema.String,
  reason: Schema.String,
}) {
  override get message(): string {
    return `ticket ${this.id} FAILED: ${this.reason}`
  }
}

/**
 * The ticket has spent its budget (SPEC §4): it stops in its state, undriven, and a foreground run exits 3.
 * `devvy resume <id> --max-cost-usd X` or `--max-tokens N` raises the ticket's limit and continues it.
 */
export class BudgetExhausted extends Schema.TaggedError<BudgetExhausted>()("BudgetExhausted", {
  id: Schema.String,
  state: State,
  /** `budget exhausted: $10.42 of $10.00` */
  reason: Schema.String,
}) {
  override get message(): string {
    return `${this.reason}. Ticket ${this.id} stays in ${this.state}: ` +
      `\`devvy resume ${this.id} --max-cost-usd X\` (or \`--max-tokens N\`) raises its budget and continues it`
  }
}
