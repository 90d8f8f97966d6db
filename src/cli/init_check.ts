/** `devvy init --check`: signs in to the chosen forge with what init is about to save, before it is saved. */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type { AppConfigShape } from "../services/config/AppConfig.ts"
import type { ConfigValues } from "../services/config/write_config.ts"
import { parseRepoUrl } from "../services/forge/repo_url.ts"
import { UsageError } from "./usage_error.ts"

/** Asks Azure DevOps who the PAT is, and for the repository when one is given. */
export const checkAzureDevOps = (values: ConfigValues) =>
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
    // The forge clients are loaded only for --check, so that init without it stays light.
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

/**
 * Asks GitHub who the token is (`GET /user`), and for the repository when one is given. The token is the
 * one given to init, else the configured one (environment included), else `gh auth token`'s.
 */
export const checkGitHub = (values: ConfigValues, current: AppConfigShape) =>
  Effect.gen(function* () {
    const apiUrl = (values["github.api_url"] ?? current.github.apiUrl).replace(/\/+$/, "")
    const [GitHubForge, FetchHttpClient, token] = yield* Effect.promise(() =>
      Promise.all([
        import("../services/forge/github/GitHubForge.ts"),
        import("@effect/platform/FetchHttpClient"),
        import("../services/forge/github/token.ts"),
      ])
    )
    const given = values["github.token"]
    const resolved = yield* token.resolveToken(
      given === undefined ? token.configuredToken(current.github, apiUrl) : Option.some(Redacted.make(given)),
      apiUrl,
      yield* token.ghAuthToken,
    )
    if (Option.isNone(resolved)) {
      return yield* new UsageError({
        detail: `--check needs a GitHub token: --github-token, ${token.tokenEnvFor(apiUrl).join(", ")}, or sign in ` +
          `with ${token.ghLoginFor(apiUrl)}`,
      })
    }
    const repo = values.repo_url === undefined ? undefined : parseRepoUrl(values.repo_url, { githubApiUrl: apiUrl })
    const target = repo !== undefined && Either.isRight(repo) && repo.right._tag === "GitHubRepoUrl"
      ? repo.right
      : undefined
    yield* Effect.gen(function* () {
      const forge = yield* GitHubForge.make({
        apiUrl: target?.apiUrl ?? apiUrl,
        owner: target?.owner ?? "",
        repo: target?.repo ?? "",
        cloneUrl: target?.cloneUrl ?? "",
        token: resolved.value,
        trustedAssociations: current.github.trustedAssociations,
      })
      const me = yield* forge.identity
      yield* Console.log(`The token works: signed in to ${apiUrl} as ${me.name}.`)
      if (target !== undefined) {
        const repository = yield* forge.repository
        yield* Console.log(
          `Repository ${target.owner}/${repository.name} found; default branch ${repository.defaultBranch}.`,
        )
      }
    }).pipe(Effect.provide(FetchHttpClient.layer))
  })
