import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import { Console, Effect, Layer, Option } from "effect"
import { LocalPullRequests } from "../services/forge/local/LocalPullRequests.ts"
import { abandon, addComment, approve } from "../services/forge/local/LocalReview.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { ticketIdArg } from "./args.ts"
import { StoreLayer } from "./layers.ts"
import { UsageError } from "./usage_error.ts"

const options = {
  comment: Options.text("comment").pipe(Options.withDescription("add a review comment"), Options.optional),
  file: Options.text("file").pipe(Options.withDescription("the file the comment is about"), Options.optional),
  line: Options.integer("line").pipe(Options.withDescription("the line the comment is about"), Options.optional),
  approve: Options.boolean("approve").pipe(Options.withDescription("approve: merge into the default branch")),
  abandon: Options.boolean("abandon").pipe(Options.withDescription("abandon the pull request")),
}

const ReviewLayer = LocalPullRequests.Default.pipe(
  Layer.provideMerge(StoreLayer),
  Layer.provideMerge(NodeCommandExecutor.layer),
)

export const reviewCommand = Command.make(
  "review",
  { id: ticketIdArg, ...options },
  (input) =>
    Effect.gen(function* () {
      const chosen = [Option.isSome(input.comment), input.approve, input.abandon].filter(Boolean).length
      if (chosen !== 1) {
        return yield* new UsageError({ detail: "give exactly one of --comment, --approve or --abandon" })
      }
      yield* (yield* TicketStore).get(input.id)
      if (Option.isSome(input.comment)) {
        const added = yield* addComment(input.id, {
          content: input.comment.value,
          filePath: Option.getOrUndefined(input.file),
          line: Option.getOrUndefined(input.line),
        })
        return yield* Console.log(`Commented on pull request #${added.pullRequest.number} (thread ${added.threadId}).`)
      }
      if (input.approve) {
        const approved = yield* approve(input.id)
        return yield* Console.log(
          `Approved and merged pull request #${approved.pullRequest.number} (${approved.mergeCommit.slice(0, 12)}).`,
        )
      }
      const abandoned = yield* abandon(input.id)
      yield* Console.log(`Abandoned pull request #${abandoned.number}.`)
    }).pipe(Effect.provide(ReviewLayer)),
).pipe(
  Command.withDescription(
    "Review a ticket's pull request on the local forge: comment (optionally on a file and line), approve or abandon",
  ),
)
