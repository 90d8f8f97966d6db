import { Effect } from "effect"
import * as fs from "node:fs"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { TicketRejected } from "./errors.ts"

/** A repository is an Azure DevOps Git URL or a local repository for the local forge. */
const repositoryKnown = (url: string): boolean =>
  (URL.canParse(url) && /^https?:$/.test(new URL(url).protocol) && new URL(url).pathname.includes("/_git/")) ||
  fs.existsSync(url.replace(/^file:\/\//, ""))

/** RECEIVED: checks the ticket before anything is cloned or started. */
export const received = Effect.fn("State.RECEIVED")(function* (ticket: Ticket) {
  if (ticket.title.trim() === "") return yield* new TicketRejected({ reason: "the ticket has no title" })
  if (!repositoryKnown(ticket.repoUrl)) {
    return yield* new TicketRejected({
      reason: `${ticket.repoUrl} is neither an Azure DevOps repository URL ` +
        "(https://dev.azure.com/org/project/_git/repo) nor a local repository path",
    })
  }
  const next: State = "PREPARE_ENV"
  return next
})
