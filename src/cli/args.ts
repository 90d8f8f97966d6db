import * as Args from "@effect/cli/Args"
import { TicketId } from "../domain/TicketId.ts"

/** A ticket id, rejected before anything is read unless it is 6 lowercase hex characters. */
export const ticketIdArg = Args.text({ name: "id" }).pipe(
  Args.withSchema(TicketId),
  Args.withDescription("the ticket id: 6 lowercase hex characters, as `devvy ps` shows it"),
)
