import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import { AppConfig } from "../services/config/AppConfig.ts"

const text = (name: string, description: string) =>
  Options.text(name).pipe(Options.withDescription(description), Options.optional)

const options = {
  model: text("model", "the model opencode uses, as provider/model (github-copilot/claude-sonnet-4.6)"),
  forge: Options.choice("forge", ["ado", "github", "local"]).pipe(
    Options.withDescription("where the repositories live: ado (Azure DevOps), github, or local (no account)"),
    Options.optional,
  ),
  orgUrl: text("org-url", "Azure DevOps organisation or collection URL (https://dev.azure.com/org)"),
  project: text("project", "Azure DevOps project"),
  pat: text("pat", "Azure DevOps personal access token (Code: read & write)"),
  githubToken: text(
    "github-token",
    "GitHub token (fine-grained: Contents, Pull requests, Issues read & write; classic: repo); else GH_TOKEN " +
      "(GH_ENTERPRISE_TOKEN on Enterprise Server) or gh",
  ),
  githubApiUrl: text(
    "github-api-url",
    "GitHub API URL (https://api.github.com; Enterprise Server: https://HOST/api/v3)",
  ),
  repoUrl: text("repo-url", "default repository: an Azure DevOps or GitHub URL, or a local path for the local forge"),
  envFile: text("env-file", "a .env file copied into every workspace (never committed)"),
  check: Options.boolean("check").pipe(
    Options.withDescription("sign in to the chosen forge (and find the repository) before saving"),
  ),
}

export type InitFlags = Command.Command.ParseConfig<typeof options>

export const initCommand = Command.make(
  "init",
  options,
  (flags) =>
    Effect.flatMap(Effect.promise(() => import("./init_work.ts")), (work) => work.setUp(flags)).pipe(
      Effect.provide(AppConfig.layer),
    ),
).pipe(
  Command.withDescription(
    "Set up devvy: the model, the forge (Azure DevOps, GitHub or local) and its details, and the default " +
      "repository. On a terminal it asks; every question is also a flag, so CI can run it with no terminal.",
  ),
)
