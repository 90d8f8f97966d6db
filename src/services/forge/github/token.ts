/**
 * Where the GitHub token comes from when the configuration has none: `gh auth token`, which users of the
 * gh CLI have already signed in with. The configuration lays DEVVY_GITHUB_TOKEN, GH_TOKEN and GITHUB_TOKEN
 * over the file; gh is the last resort.
 */
import * as Command from "@effect/platform/Command"
import { CommandExecutor } from "@effect/platform/CommandExecutor"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"

/** The token gh holds for a host, or none (gh missing, not signed in, or silent). Never fails. */
export type GhAuthToken = (host: string) => Effect.Effect<Option.Option<Redacted.Redacted<string>>>

/** The host gh files its token under: github.com for api.github.com, the server's host on Enterprise Server. */
export const ghHostOf = (apiUrl: string): string => {
  const host = new URL(apiUrl).host.toLowerCase()
  return host === "api.github.com" ? "github.com" : host
}

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

/** The configured token (environment over file), else gh's. */
export const resolveToken = (
  configured: Option.Option<Redacted.Redacted<string>>,
  apiUrl: string,
  gh: GhAuthToken,
): Effect.Effect<Option.Option<Redacted.Redacted<string>>> =>
  Option.isSome(configured) ? Effect.succeed(configured) : gh(ghHostOf(apiUrl))
