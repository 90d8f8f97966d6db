/** `devvy run`'s work, loaded only when run runs: creating the ticket, then driving it here or in the background. */
import * as Prompt from "@effect/cli/Prompt"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as path from "node:path"
import { acceptedRepository } from "../pipeline/received.ts"
import { AgentModelInvalid } from "../services/agent/AgentError.ts"
import { isModelString } from "../services/agent/opencode_command.ts"
import { AppConfig, requireSetting } from "../services/config/AppConfig.ts"
import { parseTicketRepoUrl } from "../services/forge/forge_for.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { StoreLayer } from "./layers.ts"
import { continueInBackground, driveInForeground } from "./resume.ts"
import type { RunFlags } from "./run.ts"
import { stdinIsTerminal } from "./ui/terminal.ts"
import { UsageError } from "./usage_error.ts"

/** A relative local path means the directory it was typed in: the detached driver runs elsewhere. */
const localPathsAbsolute = (repo: string): string =>
  repo.startsWith("./") || repo.startsWith("../") || repo === "." || repo === ".." ? path.resolve(repo) : repo

/** A flag's value, else asked for on a terminal, else a usage error naming the flag. */
const required = (value: Option.Option<string>, flag: string, message: string) =>
  Option.match(Option.filter(value, (v) => v.trim() !== ""), {
    onSome: Effect.succeed,
    onNone: () =>
      stdinIsTerminal()
        ? Prompt.run(
          Prompt.text({ message, validate: (v) => v.trim() === "" ? Effect.fail("required") : Effect.succeed(v) }),
        )
        : Effect.fail(new UsageError({ detail: `--${flag} is required when there is no terminal to ask on` })),
  })

/** Title and description from the flags, asking on a terminal for what they leave out. */
const fromFlags = (flags: RunFlags) =>
  Effect.gen(function* () {
    const title = yield* required(flags.title, "title", "Title")
    const description = yield* required(flags.description, "description", "Description")
    return { title, description }
  })

/** `--title`/`--description` compete with a work item or issue for the ticket's text: refused before anything is read. */
const clashingFlags = (flags: RunFlags) => {
  const clash = [Option.isSome(flags.title) ? "--title" : "", Option.isSome(flags.description) ? "--description" : ""]
    .filter((f) => f !== "")
  const source = Option.isSome(flags.workItem) ? "--work-item" : Option.isSome(flags.issue) ? "--issue" : undefined
  if (Option.isSome(flags.workItem) && Option.isSome(flags.issue)) {
    return Effect.fail(
      new UsageError({ detail: "--work-item and --issue cannot go together: a ticket has one source" }),
    )
  }
  return source !== undefined && clash.length > 0
    ? Effect.fail(
      new UsageError({
        detail: `${clash.join(" and ")} cannot go with ${source}: the ticket's text comes from the ${
          source === "--issue" ? "issue" : "work item"
        }`,
      }),
    )
    : Effect.void
}

const workSource = Effect.zip(
  Effect.promise(() => import("../services/forge/work_source.ts")),
  Effect.map(Effect.promise(() => import("@effect/platform/FetchHttpClient")), (http) => http.layer),
)

/** Title, description and source from the work item. */
const fromWorkItem = (input: string) =>
  Effect.flatMap(workSource, ([source, http]) => source.readWorkItem(input).pipe(Effect.provide(http)))

/** Title, description and source from the issue, and the issue's repository. */
const fromIssue = (input: string, repository: string | undefined) =>
  Effect.flatMap(workSource, ([source, http]) => source.readIssue(input, repository).pipe(Effect.provide(http)))

/** Creates the ticket from the flags or the work item they name, then drives it. */
export const runTicket = (flags: RunFlags) =>
  Effect.gen(function* () {
    yield* clashingFlags(flags)
    const ticket = yield* Effect.gen(function* () {
      const config = yield* AppConfig
      const model = yield* Option.match(flags.model, {
        onSome: Effect.succeed,
        onNone: () => requireSetting(config, "model", config.model),
      })
      // An issue brings its repository; `--repo` still wins, and names the repository a bare number is in.
      const issue = Option.isNone(flags.issue) ? undefined : yield* fromIssue(
        flags.issue.value,
        Option.getOrUndefined(Option.orElse(flags.repo, () => config.repoUrl)),
      )
      const repoUrl = localPathsAbsolute(
        yield* Option.match(flags.repo, {
          onSome: Effect.succeed,
          onNone: () =>
            issue === undefined ? requireSetting(config, "repo_url", config.repoUrl) : Effect.succeed(issue.repoUrl),
        }),
      )
      // Bad input is the user's to fix now, not a ticket that fails at RECEIVED or in the agent's first run.
      if (!isModelString(model)) return yield* new UsageError({ detail: new AgentModelInvalid({ model }).message })
      const accepted = acceptedRepository(repoUrl, parseTicketRepoUrl(repoUrl, config))
      if (Either.isLeft(accepted)) return yield* accepted.left
      const text = issue !== undefined ? issue.item : yield* Option.match(flags.workItem, {
        onNone: () => fromFlags(flags),
        onSome: fromWorkItem,
      })
      return yield* (yield* TicketStore).create({ ...text, repoUrl, model }).pipe(
        // The existing ticket's id alone on stdout, for scripts; the sentence goes to stderr.
        Effect.tapErrorTag("TicketForSourceExists", (error) => Console.log(error.existing)),
      )
    })
    if (flags.background) {
      yield* continueInBackground(ticket.id)
      return yield* Console.log(ticket.id)
    }
    yield* Console.log(`Ticket ${ticket.id}: ${ticket.title}`)
    yield* driveInForeground(ticket.id)
  }).pipe(Effect.provide(StoreLayer))
