import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Prompt from "@effect/cli/Prompt"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as path from "node:path"
import { AppConfig, requireSetting } from "../services/config/AppConfig.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { StoreLayer } from "./layers.ts"
import { stdinIsTerminal } from "./ui/terminal.ts"
import { UsageError } from "./usage_error.ts"
import { continueInBackground, driveInForeground } from "./resume.ts"

const text = (name: string, alias: string | undefined, description: string) => {
  const option = Options.text(name).pipe(Options.withDescription(description), Options.optional)
  return alias === undefined ? option : Options.withAlias(option, alias)
}

const options = {
  title: text("title", "t", "the ticket's title: what to do, in a line"),
  description: text("description", undefined, "what done looks like: details, constraints, acceptance"),
  repo: text("repo", undefined, "repository URL (or local path); defaults to repo_url from the config"),
  model: text("model", "m", "provider/model for this ticket; defaults to model from the config"),
  background: Options.boolean("background").pipe(
    Options.withAlias("d"),
    Options.withDescription("detach: print the ticket id and return at once"),
  ),
}

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

export const runCommand = Command.make("run", options, (flags) =>
  Effect.gen(function* () {
    const ticket = yield* Effect.gen(function* () {
      const config = yield* AppConfig
      const title = yield* required(flags.title, "title", "Title")
      const description = yield* required(flags.description, "description", "Description")
      const model = yield* Option.match(flags.model, {
        onSome: Effect.succeed,
        onNone: () => requireSetting(config, "model", config.model),
      })
      const repoUrl = localPathsAbsolute(
        yield* Option.match(flags.repo, {
          onSome: Effect.succeed,
          onNone: () => requireSetting(config, "repo_url", config.repoUrl),
        }),
      )
      return yield* (yield* TicketStore).create({ title, description, repoUrl, model })
    }).pipe(Effect.provide(StoreLayer))
    if (flags.background) {
      yield* continueInBackground(ticket.id)
      return yield* Console.log(ticket.id)
    }
    yield* Console.log(`Ticket ${ticket.id}: ${ticket.title}`)
    yield* driveInForeground(ticket.id)
  })).pipe(
    Command.withDescription(
      "Create a ticket and drive it: plan, implement, validate, open a pull request and answer reviews until merged",
    ),
  )
