import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { State } from "../../domain/State.ts"
import type { Ticket } from "../../domain/Ticket.ts"
import { parseRepoUrl } from "../../services/forge/repo_url.ts"
import { bold, dim, green, red } from "./terminal.ts"
import { formatClock } from "./time.ts"

const paint = (state: State): string =>
  state === "MERGED" ? green(state) : state === "FAILED" || state === "CANCELLED" ? red(state) : bold(state)

/**
 * What to say once CREATE_PR has opened the pull request: where it is, and on the local forge, which has no
 * web page to review on, the commands that read it, comment on it, merge it or close it.
 */
export const pullRequestNotice = (ticket: Ticket, from: State): ReadonlyArray<string> => {
  if (from !== "CREATE_PR" || ticket.prUrl === null) return []
  const opened = `Pull request #${ticket.prNumber ?? "?"}: ${ticket.prUrl}`
  const repo = parseRepoUrl(ticket.repoUrl)
  if (Either.isLeft(repo) || repo.right._tag !== "LocalRepoUrl") return [opened]
  return [
    opened,
    "Review it on the local forge:",
    `  devvy review ${ticket.id}                                       read it: description, diff stat, threads`,
    `  devvy review ${ticket.id} --diff                                the whole diff`,
    `  devvy review ${ticket.id} --comment "…" [--file F --line N]     comment; devvy answers`,
    `  devvy review ${ticket.id} --approve                             merge it`,
    `  devvy review ${ticket.id} --abandon                             close it; the ticket fails`,
  ]
}

/** One line per transition, with its time: plain text when the output is not a terminal. */
export const printTransition = (ticket: Ticket, from: State): Effect.Effect<void> =>
  Effect.zipRight(
    Console.log(`${dim(formatClock(ticket.updatedAt))}  ${from} → ${paint(ticket.state)}`),
    Effect.forEach(pullRequestNotice(ticket, from), (line) => Console.log(line), { discard: true }),
  )
