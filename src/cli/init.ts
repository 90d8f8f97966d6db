import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Prompt from "@effect/cli/Prompt"
import { Console, Effect, Option, Redacted } from "effect"
import { AppConfig } from "../services/config/AppConfig.ts"
import { DevvyPaths } from "../services/config/DevvyPaths.ts"
import { type ConfigValues, writeConfig } from "../services/config/write_config.ts"
import { stdinIsTerminal } from "./ui/terminal.ts"
import { modelPrompt } from "./ui/models.ts"
import { UsageError } from "./usage_error.ts"

const text = (name: string, description: string) =>
  Options.text(name).pipe(Options.withDescription(description), Options.optional)

const options = {
  model: text("model", "the model opencode uses, as provider/model (github-copilot/claude-sonnet-4.6)"),
  orgUrl: text("org-url", "Azure DevOps organisation or collection URL (https://dev.azure.com/org)"),
  project: text("project", "Azure DevOps project"),
  pat: text("pat", "Azure DevOps personal access token (Code: read & write)"),
  repoUrl: text("repo-url", "default repository: an Azure DevOps Git URL, or a local path for the local forge"),
  envFile: text("env-file", "a .env file copied into every workspace (never committed)"),
  check: Options.boolean("check").pipe(Options.withDescription("check the PAT against Azure DevOps before saving")),
}

/** A flag's value, else a prompt on a terminal, else nothing (or a usage error for a required value). */
const ask = <A>(
  flag: Option.Option<A>,
  prompt: Prompt.Prompt<A>,
  required: { readonly flag: string } | undefined,
) =>
  Option.match(flag, {
    onSome: (value) => Effect.succeed(Option.some(value)),
    onNone: () =>
      stdinIsTerminal()
        ? Effect.map(Prompt.run(prompt), Option.some)
        : required
        ? Effect.fail(new UsageError({ detail: `--${required.flag} is required when there is no terminal to ask on` }))
        : Effect.succeed(Option.none()),
  })

const optionalText = (message: string, current: Option.Option<string>) =>
  Prompt.text({
    message: `${message} (Enter to ${Option.isSome(current) ? "keep" : "skip"})`,
    ...Option.match(current, { onNone: () => ({}), onSome: (value) => ({ default: value }) }),
  })

export const initCommand = Command.make("init", options, (flags) =>
  Effect.gen(function* () {
    const paths = yield* DevvyPaths
    const current = yield* AppConfig
    const model = yield* ask(flags.model, modelPrompt(Option.getOrUndefined(current.model)), { flag: "model" })
    const orgUrl = yield* ask(flags.orgUrl, optionalText("Azure DevOps org URL", current.ado.orgUrl), undefined)
    const project = yield* ask(flags.project, optionalText("Azure DevOps project", current.ado.project), undefined)
    const pat = yield* ask(
      Option.map(flags.pat, Redacted.make),
      Prompt.password({ message: "Azure DevOps PAT (Enter to keep or skip)" }),
      undefined,
    )
    const repoUrl = yield* ask(flags.repoUrl, optionalText("Default repository URL", current.repoUrl), undefined)
    const envFile = yield* ask(flags.envFile, optionalText(".env file to copy in", current.envFile), undefined)

    const filled = (value: Option.Option<string>) => Option.getOrUndefined(Option.filter(value, (v) => v.trim() !== ""))
    const values: ConfigValues = {
      model: filled(model),
      "ado.org_url": filled(orgUrl),
      "ado.project": filled(project),
      "ado.pat": filled(Option.map(pat, Redacted.value)),
      repo_url: filled(repoUrl),
      env_file: filled(envFile),
    }
    if (flags.check) {
      return yield* new UsageError({
        detail: "--check needs the Azure DevOps client, which this build does not include yet; run init without it",
      })
    }
    yield* writeConfig(paths.config, values)
    yield* Console.log(`Wrote ${paths.config} (mode 600).`)
  }).pipe(Effect.provide(AppConfig.layer))).pipe(
    Command.withDescription(
      "Set up devvy: the model, Azure DevOps details and the default repository. On a terminal it asks; " +
        "every question is also a flag, so CI can run it with no terminal.",
    ),
  )
