import * as Schema from "effect/Schema"
import { State } from "./State.ts"
import { TicketId } from "./TicketId.ts"

/** Where a ticket's text came from (SPEC §8): read once, at creation. */
export const TicketSource = Schema.Struct({
  forge: Schema.Literal("ado", "github"),
  /** The work item id or issue number. */
  id: Schema.String,
  /** The item's web page: also what makes one live ticket per item. */
  url: Schema.String,
})
export type TicketSource = typeof TicketSource.Type

/** A ticket as the store keeps it and as `status --json` shows it. */
export class Ticket extends Schema.Class<Ticket>("Ticket")({
  id: TicketId,
  title: Schema.String,
  description: Schema.String,
  repoUrl: Schema.String,
  model: Schema.String,
  state: State,
  branch: Schema.String,
  prNumber: Schema.NullOr(Schema.Number),
  prUrl: Schema.NullOr(Schema.String),
  opencodeSession: Schema.NullOr(Schema.String),
  retryCount: Schema.Number,
  error: Schema.NullOr(Schema.String),
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf,
  /** This ticket's own budget, raised by `devvy resume`; null: the configured one. */
  maxCostUsd: Schema.optionalWith(Schema.NullOr(Schema.Number), { default: () => null }),
  maxTokens: Schema.optionalWith(Schema.NullOr(Schema.Number), { default: () => null }),
  /** Why the ticket stopped in its state with no driver (`budget exhausted: …`); null while it may go on. */
  stopped: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  /** The work item or issue the ticket was made from; null for one typed in. */
  source: Schema.optionalWith(Schema.NullOr(TicketSource), { default: () => null }),
}) {}

/** What a listing shows of a ticket: `devvy ps` reads these columns and no others. */
export type TicketSummary = Pick<
  Ticket,
  "id" | "title" | "state" | "branch" | "prNumber" | "prUrl" | "source" | "createdAt" | "updatedAt" | "stopped"
>

export const NewTicket = Schema.Struct({
  title: Schema.String.pipe(Schema.nonEmptyString({ message: () => "the title must not be empty" })),
  description: Schema.String,
  repoUrl: Schema.String,
  model: Schema.String,
  source: Schema.optional(TicketSource),
  /** Created by `devvy watch`, which resumes such tickets when it restarts. */
  watched: Schema.optional(Schema.Boolean),
})
export type NewTicket = typeof NewTicket.Type

/** One line of a ticket's log. Phase is the state the ticket was in when the line was written. */
export class LogLine extends Schema.Class<LogLine>("LogLine")({
  ticketId: TicketId,
  phase: State,
  level: Schema.Literal("debug", "info", "warn", "error"),
  at: Schema.DateFromSelf,
  message: Schema.String,
}) {}

export class StateChange extends Schema.Class<StateChange>("StateChange")({
  ticketId: TicketId,
  from: Schema.NullOr(State),
  to: State,
  at: Schema.DateFromSelf,
}) {}
