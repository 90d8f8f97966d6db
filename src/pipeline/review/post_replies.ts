import * as Effect from "effect/Effect"
import type { TicketId } from "../../domain/TicketId.ts"
import { Forge } from "../../services/forge/Forge.ts"
import { type PendingReply, ReplyLedger } from "../../services/store/ReplyLedger.ts"

/**
 * Finishes replies a crash left between "decided" and "recorded as posted": one already on the forge
 * (devvy's own comment with the same words in that thread) is recorded, any other is posted now.
 */
export const settlePendingReplies = Effect.fn("Review.settlePending")(function* (ticketId: TicketId, pr: number) {
  const ledger = yield* ReplyLedger
  const forge = yield* Forge
  const pending = yield* ledger.pending(ticketId)
  if (pending.length === 0) return
  const threads = yield* forge.threads(pr)
  for (const reply of pending) {
    const thread = threads.find((t) => t.id === reply.threadId)
    const onForge = thread?.comments.find((c) => c.isOwn && c.content.trim() === reply.content.trim())
    const replyId = onForge?.id ?? (yield* forge.reply(pr, reply.threadId, reply.content))
    yield* ledger.posted(ticketId, reply.threadId, replyId)
  }
})

/** Posts each reply exactly once: stored as intended, posted, stored as posted. */
export const postReplies = Effect.fn("Review.postReplies")(
  function* (ticketId: TicketId, pr: number, replies: ReadonlyArray<PendingReply>) {
    const ledger = yield* ReplyLedger
    const forge = yield* Forge
    yield* settlePendingReplies(ticketId, pr)
    for (const reply of replies) {
      yield* ledger.intend(ticketId, reply)
      const replyId = yield* forge.reply(pr, reply.threadId, reply.content)
      yield* ledger.posted(ticketId, reply.threadId, replyId)
    }
  },
)
