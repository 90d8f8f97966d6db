import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fs from "node:fs"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import type { RepoUrl, RepoUrlInvalid } from "../services/forge/repo_url.ts"
import { TicketRejected } from "./errors.ts"

/**
 * RECEIVED: checks the ticket before anything is cloned or started. The runner parses the repository URL
 * once, for this check and for the forge it then builds.
 */
export const received = Effect.fn("State.RECEIVED")(function* (
  ticket: Ticket,
  repoUrl: Either.Either<RepoUrl, RepoUrlInvalid>,
) {
  if (ticket.title.trim() === "") return yield* new TicketRejected({ reason: "the ticket has no title" })
  if (Either.isLeft(repoUrl)) return yield* new TicketRejected({ reason: repoUrl.left.message })
  const repo = repoUrl.right
  if (repo._tag === "LocalRepoUrl" && !fs.existsSync(repo.path)) {
    return yield* new TicketRejected({ reason: `the local repository ${repo.path} does not exist` })
  }
  const next: State = "PREPARE_ENV"
  return next
})
