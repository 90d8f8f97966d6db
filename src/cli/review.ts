import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { ticketIdArg } from "./args.ts"
import { UsageError } from "./usage_error.ts"

const options = {
  comment: Options.text("comment").pipe(Options.withDescription("add a review comment"), Options.optional),
  file: Options.text("file").pipe(Options.withDescription("the file the comment is about"), Options.optional),
  line: Options.integer("line").pipe(Options.withDescription("the line the comment is about"), Options.optional),
  approve: Options.boolean("approve").pipe(Options.withDescription("approve: merge into the default branch")),
  abandon: Options.boolean("abandon").pipe(Options.withDescription("abandon the pull request")),
  diff: Options.boolean("diff").pipe(
    Options.withDescription("with no action: show the whole diff, paged through $PAGER on a terminal"),
  ),
}

export const reviewCommand = Command.make(
  "review",
  { id: ticketIdArg, ...options },
  (input) =>
    Effect.gen(function* () {
      const chosen = [Option.isSome(input.comment), input.approve, input.abandon].filter(Boolean).length
      if (chosen > 1) {
        return yield* new UsageError({ detail: "give at most one of --comment, --approve or --abandon" })
      }
      if (chosen === 1 && input.diff) {
        return yield* new UsageError({ detail: "--diff shows the pull request: give it without an action" })
      }
      const work = yield* Effect.promise(() => import("./review_work.ts"))
      yield* chosen === 0 ? work.showPullRequest(input.id, { diff: input.diff }) : work.review(input)
    }),
).pipe(
  Command.withDescription(
    "Read a ticket's pull request on the local forge (description, diff stat, threads), or act on it: " +
      "comment (optionally on a file and line), approve or abandon",
  ),
)
