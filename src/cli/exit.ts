import * as ValidationError from "@effect/cli/ValidationError"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { isOneOf, messageOf } from "../domain/failure.ts"
import type { BudgetExhausted } from "../pipeline/errors.ts"
import type { ConfigInvalid, ConfigMissing, ConfigRequired, ConfigSyntax } from "../services/config/ConfigError.ts"
import type { ForgeAuthFailed, ForgeNotFound } from "../services/forge/ForgeError.ts"
import type { NoPullRequest, PullRequestClosed, ReviewCommentInvalid } from "../services/forge/local/LocalForgeError.ts"
import type { RepoUrlInvalid } from "../services/forge/repo_url.ts"
import type { SourceRefInvalid } from "../services/forge/source_ref.ts"
import type { SourceUnreadable } from "../services/forge/work_source.ts"
import type { TicketForSourceExists, TicketNotFound } from "../services/store/StoreError.ts"
import type { TicketBusy } from "../services/store/TicketLease.ts"
import type { UsageError } from "./usage_error.ts"

/**
 * SPEC §2: 0 success, 1 the ticket FAILED, 2 usage or configuration error, 3 the ticket stopped on its budget
 * (resumable with a higher limit), 130 interrupted.
 */
export const ExitCode = { ok: 0, failed: 1, usage: 2, budget: 3, interrupted: 130 } as const

/** Mistakes in how devvy was called or configured, and forge answers that only the user can fix. */
type UsageFailure =
  | ConfigMissing
  | ConfigSyntax
  | ConfigInvalid
  | ConfigRequired
  | TicketNotFound
  | UsageError
  | RepoUrlInvalid
  | TicketBusy
  | ForgeAuthFailed
  | ForgeNotFound
  | NoPullRequest
  | PullRequestClosed
  | ReviewCommentInvalid
  | SourceRefInvalid
  | SourceUnreadable
  | TicketForSourceExists

const usageTags = [
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
  "SourceRefInvalid",
  "SourceUnreadable",
  "TicketForSourceExists",
] as const satisfies ReadonlyArray<UsageFailure["_tag"]>

const isUsageFailure = isOneOf<UsageFailure>()(usageTags)

/** A ticket stopped on its budget: resumable with a higher limit. */
const isBudgetStop = isOneOf<BudgetExhausted>()(["BudgetExhausted"] as const)

/** Exit code for a failure: configuration and usage mistakes are 2, a budget stop 3, everything else 1. */
export const exitCodeFor = (error: unknown): number =>
  ValidationError.isValidationError(error) || isUsageFailure(error)
    ? ExitCode.usage
    : isBudgetStop(error)
    ? ExitCode.budget
    : ExitCode.failed

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
