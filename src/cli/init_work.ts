/** `devvy init`'s work, loaded only when init runs: its prompts and the config writer stay out of other commands. */
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
import type { InitFlags } from "./init.ts"
import { stdinIsTerminal } from "./ui/terminal.ts"
import { modelPrompt } from "./ui/models.ts"
import { UsageError } from "./usage_error.ts"

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

/** Asks for what the flags leave out (on a terminal), then writes the config file. */
export const setUp = (flags: InitFlags) =>
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
  })
