/** `devvy init`'s work, loaded only when init runs: its prompts and the config writer stay out of other commands. */
import * as Prompt from "@effect/cli/Prompt"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { AppConfig, type AppConfigShape } from "../services/config/AppConfig.ts"
import { DevvyPaths } from "../services/config/DevvyPaths.ts"
import { parseRepoUrl } from "../services/forge/repo_url.ts"
import { tokenEnvFor } from "../services/forge/github/token.ts"
import { type ConfigValues, writeConfig } from "../services/config/write_config.ts"
import type { InitFlags } from "./init.ts"
import { checkAzureDevOps, checkGitHub } from "./init_check.ts"
import { stdinIsTerminal } from "./ui/terminal.ts"
import { modelPrompt } from "./ui/models.ts"
import { UsageError } from "./usage_error.ts"

type ForgeChoice = "ado" | "github" | "local"

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

type ForgeFlag = "orgUrl" | "project" | "pat" | "githubToken" | "githubApiUrl"

const forgeFlags: Record<ForgeChoice, ReadonlyArray<ForgeFlag>> = {
  ado: ["orgUrl", "project", "pat"],
  github: ["githubToken", "githubApiUrl"],
  local: [],
}
const flagName: Record<ForgeFlag, string> = {
  orgUrl: "--org-url",
  project: "--project",
  pat: "--pat",
  githubToken: "--github-token",
  githubApiUrl: "--github-api-url",
}
const given = (flags: InitFlags, forge: ForgeChoice) => forgeFlags[forge].filter((key) => Option.isSome(flags[key]))

/** Without --forge: the forge whose flags were given, else the repository URL's, else none (ask, or local). */
const impliedForge = (flags: InitFlags, current: AppConfigShape): Option.Option<ForgeChoice> => {
  if (given(flags, "ado").length > 0) return Option.some("ado")
  if (given(flags, "github").length > 0) return Option.some("github")
  const url = Option.orElse(flags.repoUrl, () => current.repoUrl)
  if (Option.isNone(url)) return Option.none()
  const parsed = parseRepoUrl(url.value, {
    orgUrl: Option.getOrUndefined(current.ado.orgUrl),
    githubApiUrl: Option.getOrElse(flags.githubApiUrl, () => current.github.apiUrl),
  })
  if (Either.isLeft(parsed)) return Option.none()
  return Option.some(
    parsed.right._tag === "AdoRepoUrl" ? "ado" : parsed.right._tag === "GitHubRepoUrl" ? "github" : "local",
  )
}

const forgePrompt = (initial: Option.Option<ForgeChoice>) => {
  const choices = [
    { title: "Azure DevOps", value: "ado" as const },
    { title: "GitHub (github.com or Enterprise Server)", value: "github" as const },
    { title: "Local only (no account: repositories on this machine)", value: "local" as const },
  ]
  const first = Option.getOrElse(initial, () => "ado" as const)
  // The current forge first, so Enter keeps it.
  return Prompt.select({
    message: "Forge",
    choices: [...choices.filter((c) => c.value === first), ...choices.filter((c) => c.value !== first)],
  })
}

/** Only the chosen forge's questions; flags that belong to another forge are a mistake worth saying. */
const forgeValues = (forge: ForgeChoice, flags: InitFlags, current: AppConfigShape) =>
  Effect.gen(function* () {
    const others = (Object.keys(forgeFlags) as ReadonlyArray<ForgeChoice>)
      .filter((f) => f !== forge)
      .flatMap((f) => given(flags, f))
    if (others.length > 0) {
      const names = others.map((key) => flagName[key]).join(", ")
      return yield* new UsageError({ detail: `${names} ${others.length > 1 ? "are" : "is"} not for --forge ${forge}` })
    }
    const filled = (value: Option.Option<string>) => Option.getOrUndefined(Option.filter(value, (v) => v.trim() !== ""))
    if (forge === "ado") {
      const orgUrl = yield* ask(flags.orgUrl, optionalText("Azure DevOps org URL", current.ado.orgUrl), undefined)
      const project = yield* ask(flags.project, optionalText("Azure DevOps project", current.ado.project), undefined)
      const pat = yield* ask(
        Option.map(flags.pat, Redacted.make),
        Prompt.password({ message: "Azure DevOps PAT (Enter to keep or skip)" }),
        undefined,
      )
      return {
        "ado.org_url": filled(orgUrl),
        "ado.project": filled(project),
        "ado.pat": filled(Option.map(pat, Redacted.value)),
      } satisfies ConfigValues
    }
    if (forge === "github") {
      const apiUrl = yield* ask(
        flags.githubApiUrl,
        optionalText("GitHub API URL (Enterprise Server: https://HOST/api/v3)", Option.some(current.github.apiUrl)),
        undefined,
      )
      const api = filled(apiUrl)
      const env = tokenEnvFor(api ?? current.github.apiUrl).join(", ")
      const token = yield* ask(
        Option.map(flags.githubToken, Redacted.make),
        Prompt.password({ message: `GitHub token (Enter to keep, or to use ${env} or gh)` }),
        undefined,
      )
      return {
        // The default is not written down, so a later change of default reaches this user too.
        "github.api_url": api === undefined || api.replace(/\/+$/, "") === "https://api.github.com" ? undefined : api,
        "github.token": filled(Option.map(token, Redacted.value)),
      } satisfies ConfigValues
    }
    return {} satisfies ConfigValues
  })

/** Asks for what the flags leave out (on a terminal), then writes the config file. */
export const setUp = (flags: InitFlags) =>
  Effect.gen(function* () {
    const paths = yield* DevvyPaths
    const current = yield* AppConfig
    const model = yield* ask(flags.model, modelPrompt(Option.getOrUndefined(current.model)), { flag: "model" })
    const implied = impliedForge(flags, current)
    const forge: ForgeChoice = Option.isSome(flags.forge)
      ? flags.forge.value
      : stdinIsTerminal()
      ? yield* Prompt.run(forgePrompt(implied))
      : Option.getOrElse(implied, () => "local" as const)
    const forgeSettings = yield* forgeValues(forge, flags, current)
    const repoUrl = yield* ask(flags.repoUrl, optionalText("Default repository URL", current.repoUrl), undefined)
    const envFile = yield* ask(flags.envFile, optionalText(".env file to copy in", current.envFile), undefined)

    const filled = (value: Option.Option<string>) => Option.getOrUndefined(Option.filter(value, (v) => v.trim() !== ""))
    const values: ConfigValues = {
      model: filled(model),
      ...forgeSettings,
      repo_url: filled(repoUrl),
      env_file: filled(envFile),
    }
    if (flags.check && forge === "ado") yield* checkAzureDevOps(values)
    if (flags.check && forge === "github") yield* checkGitHub(values, current)
    yield* writeConfig(paths.config, values)
    yield* Console.log(`Wrote ${paths.config} (mode 600).`)
  })
