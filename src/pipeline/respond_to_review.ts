import * as Effect from "effect/Effect"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { parseReviewReplies, reviewPrompt, reviewRepliesRetryPrompt } from "./prompts/review_prompt.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { Forge } from "../services/forge/Forge.ts"
import { ReplyLedger } from "../services/store/ReplyLedger.ts"
import { Workspace } from "../services/workspace/Workspace.ts"
import { runAgent } from "./agent_phase.ts"
import { postReplies, settlePendingReplies } from "./review/post_replies.ts"
import { threadsToAnswer } from "./review/trusted_threads.ts"
import { pullRequestNumber } from "./wait_for_review.ts"

/**
 * RESPOND_TO_REVIEW: opencode gets every open thread with a new comment, changes code and writes one
 * reply per thread; the replies are checked and posted exactly once. Changed code is committed and goes
 * through VALIDATE, which pushes it.
 */
export const respondToReview = Effect.fn("State.RESPOND_TO_REVIEW")(function* (ticket: Ticket) {
  const forge = yield* Forge
  const workspace = yield* Workspace
  const ledger = yield* ReplyLedger
  const config = yield* AppConfig
  const number = yield* pullRequestNumber(ticket)
  yield* settlePendingReplies(ticket.id, number)
  const threads = yield* forge.threads(number)
  const toAnswer = threadsToAnswer(threads, yield* ledger.handled(ticket.id), {
    ignoreAuthors: config.agent.ignoreAuthors,
  })
  if (toAnswer.length > 0) {
    const shown = toAnswer.map((t) => t.thread)
    yield* Effect.logInfo(`answering ${shown.length} thread(s)`)
    const answer = yield* runAgent(ticket.id, "RESPOND_TO_REVIEW", reviewPrompt(shown))
    const replies = yield* parseReviewReplies(answer.text, shown).pipe(
      Effect.catchTag(
        "ReviewRepliesInvalid",
        (invalid) =>
          Effect.logWarning(invalid.message).pipe(
            Effect.zipRight(runAgent(ticket.id, "RESPOND_TO_REVIEW", reviewRepliesRetryPrompt(invalid.problem))),
            Effect.flatMap((again) => parseReviewReplies(again.text, shown)),
          ),
      ),
    )
    yield* postReplies(
      ticket.id,
      number,
      replies.map((reply) => ({
        threadId: reply.threadId,
        content: reply.reply,
        commentIds: toAnswer.find((t) => t.thread.threadId === reply.threadId)?.commentIds ?? [],
      })),
    )
    yield* Effect.logInfo(`posted ${replies.length} repl${replies.length === 1 ? "y" : "ies"}`)
  }
  const changed = yield* workspace.commitAll(ticket.id, `Address review comments: ${ticket.title}`)
  const next: State = changed ? "VALIDATE" : "WAIT_FOR_REVIEW"
  return next
})
