import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as fs from "node:fs"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { parseRepoUrl } from "../services/forge/repo_url.ts"
import { TicketRejected } from "./errors.ts"

/** RECEIVED: checks the ticket before anything is cloned or started. */
export const received = Effect.fn("State.RECEIVED")(function* (ticket: Ticket) {
  const config = yield* AppConfig
  if (ticket.title.trim() === "") return yield* new TicketRejected({ reason: "the ticket has no title" })
  const parsed = parseRepoUrl(ticket.repoUrl, {
    orgUrl: Option.getOrUndefined(config.ado.orgUrl),
    project: Option.getOrUndefined(config.ado.project),
  })
  if (Either.isLeft(parsed)) return yield* new TicketRejected({ reason: parsed.left.message })
  const repo = parsed.right
  if (repo._tag === "LocalRepoUrl" && !fs.existsSync(repo.path)) {
    return yield* new TicketRejected({ reason: `the local repository ${repo.path} does not exist` })
  }
  const next: State = "PREPARE_ENV"
  return next
})
