import type { CommandExecutor } from "@effect/platform/CommandExecutor"
import type { HttpClient } from "@effect/platform/HttpClient"
import type * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import type { AppConfig, AppConfigShape } from "../config/AppConfig.ts"
import type { ConfigMissing, ConfigRequired } from "../config/ConfigError.ts"
import * as AdoForge from "./ado/AdoForge.ts"
import type { Forge } from "./Forge.ts"
import * as GitHubForge from "./github/GitHubForge.ts"
import { LocalForge } from "./local/LocalForge.ts"
import type { LocalPullRequests } from "./local/LocalPullRequests.ts"
import { parseRepoUrl, type RepoUrl, repoUrlHints, type RepoUrlInvalid } from "./repo_url.ts"

/**
 * A ticket's repository URL, read with what the configuration knows: the Azure DevOps organization and
 * project, and the GitHub API's host (Enterprise Server).
 */
export const parseTicketRepoUrl = (repoUrl: string, config: AppConfigShape): Either.Either<RepoUrl, RepoUrlInvalid> =>
  parseRepoUrl(repoUrl, repoUrlHints(config))

/** The forge a ticket's repository lives on, from its URL parsed once (by parseTicketRepoUrl). */
export const forgeLayerFor = (
  repo: RepoUrl,
): Layer.Layer<Forge, ConfigMissing | ConfigRequired, AppConfig | HttpClient | CommandExecutor | LocalPullRequests> => {
  switch (repo._tag) {
    case "LocalRepoUrl":
      return LocalForge.layer(repo.path)
    case "AdoRepoUrl":
      return AdoForge.layer(repo)
    case "GitHubRepoUrl":
      return GitHubForge.layer(repo)
  }
}
