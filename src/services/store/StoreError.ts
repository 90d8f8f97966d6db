import * as Schema from "effect/Schema"

export class TicketNotFound extends Schema.TaggedError<TicketNotFound>()("TicketNotFound", {
  id: Schema.String,
}) {
  override get message(): string {
    return `no ticket ${this.id}: \`devvy ps --all\` lists the tickets there are`
  }
}

/** SPEC §2: one live ticket per work item or issue. */
export class TicketForSourceExists extends Schema.TaggedError<TicketForSourceExists>()("TicketForSourceExists", {
  url: Schema.String,
  existing: Schema.String,
}) {
  override get message(): string {
    return `${this.url} already has a live ticket, ${this.existing}: \`devvy status ${this.existing}\` shows it`
  }
}
