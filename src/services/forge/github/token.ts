/**
 * Where the GitHub token comes from, host by host as the gh CLI reads it. The configuration lays
 * DEVVY_GITHUB_TOKEN, then GH_TOKEN and GITHUB_TOKEN for github.com, or GH_ENTERPRISE_TOKEN and
 * GITHUB_ENTERPRISE_TOKEN for an Enterprise Server host, over the file; `gh auth token --hostname HOST`,
 * which users of gh have already signed in with, is the last resort.
 */
import * as Command from "@effect/platform/Command"
import { CommandExecutor } from "@effect/platform/CommandExecutor"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { type AppConfigShape, requireSetting } from "../../config/AppConfig.ts"
import { githubTokenEnv } from "../../config/ConfigFile.ts"

/** The token gh holds for a host, or none (gh missing, not signed in, or silent). Never fails. */
export type GhAuthToken = (host: string) => Effect.Effect<Option.Option<Redacted.Redacted<string>>>

/** The host gh files its token under: github.com for api.github.com, the server's host on Enterprise Server. */
export const ghHostOf = (apiUrl: string): string => {
  const host = new URL(apiUrl).host.toLowerCase()
  return host === "api.github.com" ? "github.com" : host
}

/** Every host but github.com is an Enterprise Server, whose token gh keeps apart from GH_TOKEN's. */
const isEnterpriseServer = (apiUrl: string): boolean => ghHostOf(apiUrl) !== "github.com"

/** github.token's environment variables for this API, first match wins. */
export const tokenEnvFor = (apiUrl: string): ReadonlyArray<string> =>
  URL.canParse(apiUrl) && isEnterpriseServer(apiUrl) ? githubTokenEnv.enterpriseServer : githubTokenEnv.githubCom

/** How to sign gh in to this API's host, for messages. */
export const ghLoginFor = (apiUrl: string): string => `\`gh auth login --hostname ${ghHostOf(apiUrl)}\``

/** Every place a token for this API may come from, for messages that say what to set. */
export const tokenSourcesFor = (apiUrl: string): string =>
  `github.token, ${tokenEnvFor(apiUrl).join(", ")} or ${ghLoginFor(apiUrl)}`

/** The real `gh auth token --hostname HOST`; the token travels on gh's stdout, never in an argv. */
export const ghAuthToken: Effect.Effect<GhAuthToken, never, CommandExecutor> = Effect.map(
  CommandExecutor,
  (executor) => (host) =>
    Command.make("gh", "auth", "token", "--hostname", host).pipe(
      Command.stdin(Stream.empty),
      Command.string,
      Effect.map((out) => out.trim()),
      Effect.map((token) => token === "" ? Option.none() : Option.some(Redacted.make(token))),
      Effect.timeout("10 seconds"),
      Effect.provideService(CommandExecutor, executor),
      Effect.orElseSucceed(() => Option.none<Redacted.Redacted<string>>()),
      Effect.withSpan("GitHub.ghAuthToken", { attributes: { "gh.host": host } }),
    ),
)

/** The configured token for this API's host (environment over file). */
export const configuredToken = (
  github: Pick<AppConfigShape["github"], "token" | "enterpriseToken">,
  apiUrl: string,
): Option.Option<Redacted.Redacted<string>> => isEnterpriseServer(apiUrl) ? github.enterpriseToken : github.token

/** The configured token, else gh's for the API's host. */
export const resolveToken = (
  configured: Option.Option<Redacted.Redacted<string>>,
  apiUrl: string,
  gh: GhAuthToken,
): Effect.Effect<Option.Option<Redacted.Redacted<string>>> =>
  Option.isSome(configured) ? Effect.succeed(configured) : gh(ghHostOf(apiUrl))

/** The token a forge on this API needs; none anywhere fails naming the variables of this host. */
export const requireToken = (config: AppConfigShape, apiUrl: string, gh: GhAuthToken) =>
  Effect.flatMap(
    resolveToken(configuredToken(config.github, apiUrl), apiUrl, gh),
    (token) =>
      requireSetting(
        config,
        "github.token",
        token,
        `${tokenEnvFor(apiUrl).join(" or ")}, or sign in with ${ghLoginFor(apiUrl)}`,
      ),
  )
