import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fs from "node:fs"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { type RepoUrl, RepoUrlInvalid } from "../services/forge/repo_url.ts"
import { TicketRejected } from "./errors.ts"

/**
 * Whether a forge accepts the repository: its URL parsed for one, and a local repository exists. `run` asks
 * before it creates a ticket; RECEIVED asks again, for a ticket stored before the configuration changed.
 */
export const acceptedRepository = (
  url: string,
  parsed: Either.Either<RepoUrl, RepoUrlInvalid>,
): Either.Either<RepoUrl, RepoUrlInvalid> =>
  Either.flatMap(
    parsed,
    (repo) =>
      repo._tag === "LocalRepoUrl" && !fs.existsSync(repo.path)
        ? Either.left(new RepoUrlInvalid({ url, reason: `the local repository ${repo.path} does not exist` }))
        : Either.right(repo),
  )

/**
 * RECEIVED: checks the ticket before anything is cloned or started. The runner parses the repository URL
 * once, for this check and for the forge it then builds.
 */
export const received = Effect.fn("State.RECEIVED")(function* (
  ticket: Ticket,
  repoUrl: Either.Either<RepoUrl, RepoUrlInvalid>,
) {
  if (ticket.title.trim() === "") return yield* new TicketRejected({ reason: "the ticket has no title" })
  const accepted = acceptedRepository(ticket.repoUrl, repoUrl)
  if (Either.isLeft(accepted)) return yield* new TicketRejected({ reason: accepted.left.message })
  const next: State = "PREPARE_ENV"
  return next
})
