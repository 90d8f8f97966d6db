import type { ReviewComment, ReviewThread } from "../../services/forge/Forge.ts"
import { stripHiddenText } from "../prompts/hidden_text.ts"
import type { ReviewThread as AgentThread } from "../prompts/review_prompt.ts"
import { commentKey } from "../../services/store/ReplyLedger.ts"

/** Statuses in which a thread is still open for discussion; a reviewer's resolution is respected. */
const openStatuses: ReadonlySet<string> = new Set(["active", "pending", "unknown"])

export interface TrustRules {
  /** Names (or ids) whose comments never count, compared case-insensitively. */
  readonly ignoreAuthors: ReadonlyArray<string>
}

/**
 * Whether a comment is a person's review (SPEC §4): not devvy's own, not one whose author the forge
 * distrusts (GitHub: an app, or no trusted association), not a bot (a name ending in `[bot]`), not an ignored author, and with words left once hidden text is stripped.
 */
export const isTrustedComment = (comment: ReviewComment, rules: TrustRules): boolean => {
  if (comment.isOwn || !comment.authorTrusted) return false
  const name = comment.author.name.trim().toLowerCase()
  if (name.endsWith("[bot]")) return false
  const ignored = rules.ignoreAuthors.map((a) => a.trim().toLowerCase())
  if (ignored.includes(name) || ignored.includes(comment.author.id.toLowerCase())) return false
  return stripHiddenText(comment.content).trim() !== ""
}

export interface ThreadToAnswer {
  /** What the agent is shown: the whole chain, hidden text stripped, untrusted comments left out. */
  readonly thread: AgentThread
  /** The reviewer comments a reply to this thread answers. */
  readonly commentIds: ReadonlyArray<string>
}

/**
 * The open, non-system threads holding a trusted comment not yet answered. devvy's own earlier replies
 * stay in the chain, so the agent sees the conversation it is part of.
 */
export const threadsToAnswer = (
  threads: ReadonlyArray<ReviewThread>,
  handled: ReadonlySet<string>,
  rules: TrustRules,
): ReadonlyArray<ThreadToAnswer> =>
  threads.flatMap((thread) => {
    if (thread.isSystem || !openStatuses.has(thread.status)) return []
    const trusted = thread.comments.filter((c) => isTrustedComment(c, rules))
    const unanswered = trusted.filter((c) => !handled.has(commentKey(thread.id, c.id)))
    if (unanswered.length === 0) return []
    const chain = thread.comments.filter((c) => c.isOwn || isTrustedComment(c, rules))
    return [{
      thread: {
        threadId: thread.id,
        filePath: thread.filePath._tag === "Some" ? thread.filePath.value : undefined,
        line: thread.line._tag === "Some" ? thread.line.value : undefined,
        comments: chain.map((c) => ({ author: c.isOwn ? "devvy" : c.author.name, text: stripHiddenText(c.content) })),
      },
      commentIds: unanswered.map((c) => c.id),
    }]
  })
