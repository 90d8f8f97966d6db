import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Prompt from "@effect/cli/Prompt"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { AppConfig } from "../services/config/AppConfig.ts"
import { DevvyPaths } from "../services/config/DevvyPaths.ts"
import { parseRepoUrl } from "../services/forge/repo_url.ts"
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

/** Asks Azure DevOps who the PAT is, and for the repository when one is given, before anything is saved. */
const checkAzureDevOps = (values: ConfigValues) =>
  Effect.gen(function* () {
    const orgUrl = values["ado.org_url"]
    const pat = values["ado.pat"]
    if (orgUrl === undefined || pat === undefined) {
      return yield* new UsageError({ detail: "--check needs the org URL and the PAT (--org-url, --pat)" })
    }
    const repo = values.repo_url === undefined
      ? undefined
      : parseRepoUrl(values.repo_url, { orgUrl, project: values["ado.project"] })
    const target = repo !== undefined && Either.isRight(repo) && repo.right._tag === "AdoRepoUrl"
      ? repo.right
      : undefined
    // The Azure DevOps client is loaded only for --check, so that init without it stays light.
    const [AdoForge, FetchHttpClient] = yield* Effect.promise(() =>
      Promise.all([import("../services/forge/ado/AdoForge.ts"), import("@effect/platform/FetchHttpClient")])
    )
    yield* Effect.gen(function* () {
      const forge = yield* AdoForge.make({
        orgUrl: target?.orgUrl ?? orgUrl.replace(/\/+$/, ""),
        project: target?.project ?? values["ado.project"] ?? "",
        repo: target?.repo ?? "",
        pat: Redacted.make(pat),
      })
      const me = yield* forge.identity
      yield* Console.log(`The PAT works: signed in as ${me.name}.`)
      if (target !== undefined) {
        const repository = yield* forge.repository
        yield* Console.log(`Repository ${repository.name} found; default branch ${repository.defaultBranch}.`)
      }
    }).pipe(Effect.provide(FetchHttpClient.layer))
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
    if (flags.check) yield* checkAzureDevOps(values)
    yield* writeConfig(paths.config, values)
    yield* Console.log(`Wrote ${paths.config} (mode 600).`)
  }).pipe(Effect.provide(AppConfig.layer))).pipe(
    Command.withDescription(
      "Set up devvy: the model, Azure DevOps details and the default repository. On a terminal it asks; " +
        "every question is also a flag, so CI can run it with no terminal.",
    ),
  )
