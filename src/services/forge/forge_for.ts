import type { CommandExecutor } from "@effect/platform/CommandExecutor"
import type { HttpClient } from "@effect/platform/HttpClient"
import type * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { AppConfig, AppConfigShape } from "../config/AppConfig.ts"
import type { ConfigMissing, ConfigRequired } from "../config/ConfigError.ts"
import * as AdoForge from "./ado/AdoForge.ts"
import type { Forge } from "./Forge.ts"
import { LocalForge } from "./local/LocalForge.ts"
import type { LocalPullRequests } from "./local/LocalPullRequests.ts"
import { parseRepoUrl, type RepoUrl, type RepoUrlInvalid } from "./repo_url.ts"

/** A ticket's repository URL, read with what the configuration knows of the organization and project. */
export const parseTicketRepoUrl = (repoUrl: string, config: AppConfigShape): Either.Either<RepoUrl, RepoUrlInvalid> =>
  parseRepoUrl(repoUrl, {
    orgUrl: Option.getOrUndefined(config.ado.orgUrl),
    project: Option.getOrUndefined(config.ado.project),
  })

/** The forge a ticket's repository lives on, from its URL parsed once (by parseTicketRepoUrl). */
export const forgeLayerFor = (
  repo: RepoUrl,
): Layer.Layer<Forge, ConfigMissing | ConfigRequired, AppConfig | HttpClient | CommandExecutor | LocalPullRequests> => {
  switch (repo._tag) {
    case "LocalRepoUrl":
      return LocalForge.layer(repo.path)
    case "AdoRepoUrl":
      return AdoForge.layer(repo)
  }
}
