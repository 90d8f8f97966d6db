/** What git's complaints about a remote mean: which failures to act on, and which to try again. */
import * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type { CommandExecutor } from "@effect/platform/CommandExecutor"
import { failed, type GitInvocation, runGit } from "./git.ts"
import { GitAuthFailed, GitFailed, GitRepositoryNotFound } from "./WorkspaceError.ts"

const authFailure =
  /Authentication failed|could not read (Username|Password)|terminal prompts disabled|returned error: 40[13]\b|\b401 Unauthorized|\b403 Forbidden/i
const notFound =
  /Repository not found|does not appear to be a git repository|repository '[^']*' (not found|does not exist)|returned error: 404\b|not a git repository/i
const transient =
  /Could not resolve host|Connection (reset|refused|timed out)|Failed to connect|RPC failed|early EOF|remote end hung up|returned error: 5\d\d\b|returned error: 429\b|Operation timed out|gnutls_handshake|SSL_ERROR/i

export const isTransient = (error: unknown): boolean => error instanceof GitFailed && transient.test(error.stderrTail)

/** A few jittered tries over about ten seconds: long enough for a dropped connection, short for a dead host. */
const retryPolicy = Schedule.exponential("1 second", 2).pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(3)))

export interface RemoteInvocation extends GitInvocation {
  /** The repository's URL, for messages (never with credentials in it). */
  readonly url: string
  readonly auth: Option.Option<Redacted.Redacted<string>>
}

/** Runs a git command that talks to the remote: auth and not-found failures are typed, network noise retried. */
export const remoteGit = (
  invocation: RemoteInvocation,
): Effect.Effect<string, GitAuthFailed | GitRepositoryNotFound | GitFailed, CommandExecutor> =>
  runGit({ ...invocation, remote: invocation.url }).pipe(
    Effect.flatMap((output): Effect.Effect<string, GitAuthFailed | GitRepositoryNotFound | GitFailed> => {
      if (output.exitCode === 0) return Effect.succeed(output.stdout.trim())
      if (authFailure.test(output.stderr)) return Effect.fail(new GitAuthFailed({ url: invocation.url }))
      if (notFound.test(output.stderr)) return Effect.fail(new GitRepositoryNotFound({ url: invocation.url }))
      return Effect.fail(failed(invocation, output))
    }),
    Effect.retry({ schedule: retryPolicy, while: isTransient }),
  )
