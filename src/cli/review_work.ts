/** What `devvy review` does, loaded only when it runs: the local forge's review actions. */
import * as NodeCommandExecutor from "@effect/platform-node/NodeCommandExecutor"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { TicketId } from "../domain/TicketId.ts"
import { LocalPullRequests } from "../services/forge/local/LocalPullRequests.ts"
import { abandon, addComment, approve, show } from "../services/forge/local/LocalReview.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { StoreLayer } from "./layers.ts"
import { page } from "./ui/pager.ts"
import { renderPullRequest } from "./ui/review_view.ts"

const ReviewLayer = LocalPullRequests.Default.pipe(
  Layer.provideMerge(StoreLayer),
  Layer.provideMerge(NodeCommandExecutor.layer),
)

export interface ReviewInput {
  readonly id: TicketId
  readonly comment: Option.Option<string>
  readonly file: Option.Option<string>
  readonly line: Option.Option<number>
  readonly approve: boolean
}

export const review = (input: ReviewInput) =>
  Effect.gen(function* () {
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
  }).pipe(Effect.provide(ReviewLayer))

/** `devvy review <id>` with no action: the pull request as a reviewer reads it; the whole diff is paged. */
export const showPullRequest = (id: TicketId, options: { readonly diff: boolean }) =>
  Effect.gen(function* () {
    yield* (yield* TicketStore).get(id)
    const view = yield* show(id, options)
    const text = renderPullRequest(view, { fullDiff: options.diff })
    yield* options.diff ? page(text) : Console.log(text)
  }).pipe(Effect.provide(ReviewLayer))
