import type { CommandExecutor } from "@effect/platform/CommandExecutor"
import type { HttpClient } from "@effect/platform/HttpClient"
import * as Either from "effect/Either"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { AppConfig, AppConfigShape } from "../services/config/AppConfig.ts"
import type { ConfigMissing, ConfigRequired } from "../services/config/ConfigError.ts"
import * as AdoForge from "../services/forge/ado/AdoForge.ts"
import type { Forge } from "../services/forge/Forge.ts"
import { LocalForge } from "../services/forge/local/LocalForge.ts"
import type { LocalPullRequests } from "../services/forge/local/LocalPullRequests.ts"
import { parseRepoUrl, type RepoUrlInvalid } from "../services/forge/repo_url.ts"

/** The forge a ticket's repository lives on: Azure DevOps for its URLs, the local forge for a path. */
export const forgeLayerFor = (
  repoUrl: string,
  config: AppConfigShape,
): Layer.Layer<
  Forge,
  RepoUrlInvalid | ConfigMissing | ConfigRequired,
  AppConfig | HttpClient | CommandExecutor | LocalPullRequests
> => {
  const parsed = parseRepoUrl(repoUrl, {
    orgUrl: Option.getOrUndefined(config.ado.orgUrl),
    project: Option.getOrUndefined(config.ado.project),
  })
  return Either.isRight(parsed) && parsed.right._tag === "LocalRepoUrl"
    ? LocalForge.layer(parsed.right.path)
    : AdoForge.layer(repoUrl)
}
