/**
 * Review threads given to the agent, and the replies it gives back: a fenced ```json block
 * `{"replies":[{"threadId":"…","reply":"…"}]}` that devvy decodes and checks before posting anything.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { stripHiddenText } from "./hidden_text.ts"
import { ReviewRepliesInvalid } from "../../services/agent/AgentError.ts"

export interface ReviewComment {
  readonly author: string
  readonly text: string
}

export interface ReviewThread {
  readonly threadId: string
  readonly filePath: string | undefined
  readonly line: number | undefined
  readonly comments: ReadonlyArray<ReviewComment>
}

export interface ReviewReply {
  readonly threadId: string
  readonly reply: string
}

const threadBlock = (thread: ReviewThread): string => {
  const where = thread.filePath === undefined
    ? "on the pull request as a whole"
    : `on ${thread.filePath}${thread.line === undefined ? "" : `, line ${thread.line}`}`
  const chain = thread.comments.map((c) =>
    `  ${stripHiddenText(c.author).trim()} wrote:\n${
      stripHiddenText(c.text).trim().split("\n").map((l) => `    > ${l}`).join("\n")
    }`
  )
  return [`Thread ${JSON.stringify(thread.threadId)} ${where}:`, ...chain].join("\n")
}

export const reviewPrompt = (threads: ReadonlyArray<ReviewThread>): string =>
  [
    "Reviewers commented on the pull request. The open threads, each with its comments oldest first:",
    threads.map(threadBlock).join("\n\n"),
    [
      "For each thread: when it asks for a change you agree with, make it in /workspace; when you disagree or it",
      "is a question, explain. Do not commit or push: devvy does. Then write one reply per thread, saying what you",
      "did or why not. End your final message with exactly one fenced json block answering every thread once:",
      "```json",
      JSON.stringify({ replies: threads.map((t) => ({ threadId: t.threadId, reply: "…" })) }),
      "```",
    ].join("\n"),
  ].join("\n\n")

/** Sent in the same session when the block was missing or wrong, to ask for it again. */
export const reviewRepliesRetryPrompt = (problem: string): string =>
  `Your replies could not be used: ${problem}. Answer with only the fenced json block ` +
  '{"replies":[{"threadId":"…","reply":"…"}]}, one entry for every thread, and change no files.'

const Replies = Schema.Struct({
  replies: Schema.Array(Schema.Struct({
    threadId: Schema.Union(Schema.String, Schema.Number),
    reply: Schema.String,
  })),
})
const decodeReplies = Schema.decodeUnknownEither(Schema.parseJson(Replies))

const lastJsonBlock = (answer: string): string | undefined =>
  [...answer.matchAll(/```json[^\n]*\n([\s\S]*?)\n?```/g)].at(-1)?.[1]

/** The replies in an answer, checked: every thread answered exactly once, no unknown thread, no empty reply. */
export const parseReviewReplies = (
  answer: string,
  threads: ReadonlyArray<ReviewThread>,
): Effect.Effect<ReadonlyArray<ReviewReply>, ReviewRepliesInvalid> => {
  const fail = (problem: string) => Effect.fail(new ReviewRepliesInvalid({ problem }))
  const block = lastJsonBlock(answer)
  if (block === undefined) return fail("the answer has no ```json block")
  const decoded = decodeReplies(block)
  if (Either.isLeft(decoded)) return fail(`the json block is not {"replies":[{"threadId","reply"}]}`)
  const replies = decoded.right.replies.map((r) => ({ threadId: String(r.threadId), reply: r.reply.trim() }))
  const known = new Set(threads.map((t) => t.threadId))
  const seen = new Set<string>()
  for (const { threadId, reply } of replies) {
    if (!known.has(threadId)) return fail(`thread ${threadId} is not one of the open threads`)
    if (seen.has(threadId)) return fail(`thread ${threadId} is answered more than once`)
    if (reply === "") return fail(`the reply to thread ${threadId} is empty`)
    seen.add(threadId)
  }
  const missing = threads.filter((t) => !seen.has(t.threadId)).map((t) => t.threadId)
  if (missing.length > 0) return fail(`thread${missing.length > 1 ? "s" : ""} ${missing.join(", ")} got no reply`)
  return Effect.succeed(replies)
}
