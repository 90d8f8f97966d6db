import * as ValidationError from "@effect/cli/ValidationError"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Predicate from "effect/Predicate"

/**
 * SPEC §2: 0 success, 1 the ticket FAILED, 2 usage or configuration error, 3 the ticket stopped on its budget
 * (resumable with a higher limit), 130 interrupted.
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2, budget: 3, interrupted: 130 } as const

const usageErrors: ReadonlySet<string> = new Set([
  "ConfigMissing",
  "ConfigSyntax",
  "ConfigInvalid",
  "ConfigRequired",
  "TicketNotFound",
  "UsageError",
  "RepoUrlInvalid",
  "TicketBusy",
  "ForgeAuthFailed",
  "ForgeNotFound",
  "NoPullRequest",
  "PullRequestClosed",
  "ReviewCommentInvalid",
])

const tagOf = (error: unknown): string | undefined =>
  Predicate.hasProperty(error, "_tag") && typeof error._tag === "string" ? error._tag : undefined

/** Exit code for a failure: configuration and usage mistakes are 2, a budget stop 3, everything else 1. */
export const exitCodeFor = (error: unknown): number => {
  if (ValidationError.isValidationError(error)) return ExitCode.usage
  const tag = tagOf(error)
  if (tag === "BudgetExhausted") return ExitCode.budget
  return tag !== undefined && usageErrors.has(tag) ? ExitCode.usage : ExitCode.failed
}

const messageOf = (error: unknown): string =>
  Predicate.hasProperty(error, "message") && typeof error.message === "string" && error.message !== ""
    ? error.message
    : String(error)

/**
 * Turns the program's outcome into an exit code, printing one sentence per error. @effect/cli has
 * already printed its own validation errors (with the help text), so those are not printed twice.
 */
export const toExitCode = <E>(exit: Exit.Exit<number, E>): Effect.Effect<number> =>
  Exit.match(exit, {
    onSuccess: Effect.succeed,
    onFailure: (cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.succeed(ExitCode.interrupted)
      return Cause.failureOrCause(cause).pipe(
        (either) =>
          either._tag === "Left"
            ? ValidationError.isValidationError(either.left)
              ? Effect.succeed(ExitCode.usage)
              : Console.error(`devvy: ${messageOf(either.left)}`).pipe(Effect.as(exitCodeFor(either.left)))
            : Console.error(`devvy: internal error (please report it):\n${Cause.pretty(either.right)}`).pipe(
              Effect.as(ExitCode.failed),
            ),
      )
    },
  })
