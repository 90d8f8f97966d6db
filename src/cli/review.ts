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
}

export const reviewCommand = Command.make(
  "review",
  { id: ticketIdArg, ...options },
  (input) =>
    Effect.gen(function* () {
      const chosen = [Option.isSome(input.comment), input.approve, input.abandon].filter(Boolean).length
      if (chosen !== 1) {
        return yield* new UsageError({ detail: "give exactly one of --comment, --approve or --abandon" })
      }
      const work = yield* Effect.promise(() => import("./review_work.ts"))
      yield* work.review(input)
    }),
).pipe(
  Command.withDescription(
    "Review a ticket's pull request on the local forge: comment (optionally on a file and line), approve or abandon",
  ),
)
