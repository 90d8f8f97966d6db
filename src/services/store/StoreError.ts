import * as Schema from "effect/Schema"

export class TicketNotFound extends Schema.TaggedError<TicketNotFound>()("TicketNotFound", {
  id: Schema.String,
}) {
  override get message(): string {
    return `no ticket ${this.id}: \`devvy ps --all\` lists the tickets there are`
  }
}
