import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"

const text = (name: string, alias: string | undefined, description: string) => {
  const option = Options.text(name).pipe(Options.withDescription(description), Options.optional)
  return alias === undefined ? option : Options.withAlias(option, alias)
}

const options = {
  title: text("title", "t", "the ticket's title: what to do, in a line"),
  description: text("description", undefined, "what done looks like: details, constraints, acceptance"),
  workItem: text(
    "work-item",
    undefined,
    "an Azure DevOps work item (id in the configured project, or its URL): the ticket's title and description",
  ),
  issue: text(
    "issue",
    undefined,
    "a GitHub issue (number in the default repository, owner/repo#N, or its URL): the ticket's text and repository",
  ),
  repo: text("repo", undefined, "repository URL (or local path); defaults to repo_url from the config"),
  model: text("model", "m", "provider/model for this ticket; defaults to model from the config"),
  background: Options.boolean("background").pipe(
    Options.withAlias("d"),
    Options.withDescription("detach: print the ticket id and return at once"),
  ),
}

export type RunFlags = Command.Command.ParseConfig<typeof options>

export const runCommand = Command.make(
  "run",
  options,
  (flags) => Effect.flatMap(Effect.promise(() => import("./run_work.ts")), (work) => work.runTicket(flags)),
).pipe(
  Command.withDescription(
    "Create a ticket and drive it: plan, implement, validate, open a pull request and answer reviews until merged",
  ),
)
