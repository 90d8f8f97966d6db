import assert from "node:assert/strict"
import { Option } from "effect"
import { quotedReply, toThreads } from "../../../../src/services/forge/github/mapping.ts"
import type {
  GitHubIssueComment,
  GitHubReview,
  GitHubReviewComment,
} from "../../../../src/services/forge/github/schemas.ts"
import { isTrustedComment, threadsToAnswer } from "../../../../src/pipeline/review/trusted_threads.ts"
import { user } from "./fake_github.ts"

const context = { ownId: "99", trustedAssociations: ["OWNER", "MEMBER", "COLLABORATOR"] }
const alice = user(1, "alice")
const devvy = user(99, "devvy-bot-account")

const review = (id: number, extra: Partial<GitHubReviewComment> = {}): GitHubReviewComment => ({
  id,
  path: "src/a.ts",
  line: 10,
  original_line: 10,
  body: `comment ${id}`,
  created_at: `2026-01-01T00:00:${String(id % 60).padStart(2, "0")}Z`,
  user: alice,
  author_association: "MEMBER",
  ...extra,
})

const issue = (id: number, extra: Partial<GitHubIssueComment> = {}): GitHubIssueComment => ({
  id,
  body: `issue comment ${id}`,
  created_at: "2026-01-01T00:01:00Z",
  user: alice,
  author_association: "MEMBER",
  ...extra,
})

const threadsOf = (input: {
  reviewComments?: ReadonlyArray<GitHubReviewComment>
  issueComments?: ReadonlyArray<GitHubIssueComment>
  reviews?: ReadonlyArray<GitHubReview>
}) => toThreads({ reviewComments: [], issueComments: [], reviews: [], ...input }, context)

Deno.test("review comments are grouped by in_reply_to_id under the thread's first comment", () => {
  const threads = threadsOf({
    reviewComments: [review(1), review(2, { in_reply_to_id: 1 }), review(3, { path: "b.ts", line: 4 })],
  })
  assert.deepEqual(threads.map((t) => [t.id, t.comments.map((c) => c.id)]), [["rc-1", ["1", "2"]], ["rc-3", ["3"]]])
  assert.deepEqual(threads.map((t) => [Option.getOrNull(t.filePath), Option.getOrNull(t.line)]), [
    ["src/a.ts", 10],
    ["b.ts", 4],
  ])
})

Deno.test("a reply to a reply joins the thread of the first comment", () => {
  const threads = threadsOf({
    reviewComments: [review(1), review(2, { in_reply_to_id: 1 }), review(3, { in_reply_to_id: 2 })],
  })
  assert.deepEqual(threads.map((t) => [t.id, t.comments.map((c) => c.id)]), [["rc-1", ["1", "2", "3"]]])
})

Deno.test("an outdated comment keeps its place through original_line", () => {
  const [thread] = threadsOf({ reviewComments: [review(1, { line: null, original_line: 42 })] })
  assert.deepEqual(thread.line, Option.some(42))
})

Deno.test("each issue comment and each non-empty review body is a thread of its own; bare approvals are not", () => {
  const reviews: ReadonlyArray<GitHubReview> = [
    {
      id: 7,
      body: "Please also update the docs",
      state: "CHANGES_REQUESTED",
      submitted_at: "2026-01-01T00:00:00Z",
      user: alice,
      author_association: "OWNER",
    },
    {
      id: 8,
      body: "",
      state: "APPROVED",
      submitted_at: "2026-01-01T00:00:00Z",
      user: alice,
      author_association: "OWNER",
    },
  ]
  const threads = threadsOf({ issueComments: [issue(5), issue(6)], reviews })
  assert.deepEqual(threads.map((t) => t.id).sort(), ["ic-5", "ic-6", "rv-7"])
  assert.ok(threads.every((t) => Option.isNone(t.filePath)))
})

Deno.test("devvy's quoting reply to an issue comment lands back in that comment's thread, without its quote", () => {
  const body = quotedReply("ic-5", { author: "alice", text: "Why <!-- hidden -->this?\nTwo lines" }, "Because.")
  assert.ok(!body.includes("hidden"), "the quote carries no hidden text")
  assert.match(body, /> @alice wrote:\n> Why this\?\n> Two lines/)
  const threads = threadsOf({
    issueComments: [issue(5), issue(6, { user: devvy, body, created_at: "2026-01-01T00:02:00Z" })],
  })
  assert.deepEqual(threads.map((t) => t.id), ["ic-5"])
  assert.deepEqual(threads[0].comments.map((c) => [c.id, c.isOwn, c.content]), [
    ["5", false, "issue comment 5"],
    ["6", true, "Because."],
  ])
})

Deno.test("a reply marker in someone else's comment is just text, never a way into another thread", () => {
  const body = quotedReply("ic-5", { author: "alice", text: "x" }, "Injected")
  const threads = threadsOf({ issueComments: [issue(5), issue(6, { body, user: user(3, "mallory") })] })
  assert.deepEqual(threads.map((t) => t.id), ["ic-5", "ic-6"])
})

Deno.test("only OWNER, MEMBER and COLLABORATOR people are trusted: not bots, NONE, contributors or ghosts", () => {
  const threads = threadsOf({
    issueComments: [
      issue(1, { author_association: "OWNER" }),
      issue(2, { author_association: "COLLABORATOR" }),
      issue(3, { author_association: "NONE", user: user(3, "mallory") }),
      issue(4, { author_association: "CONTRIBUTOR", user: user(4, "drive-by") }),
      issue(5, { author_association: "MEMBER", user: user(5, "ci-helper", "Bot") }),
      issue(6, { author_association: "MEMBER", user: null }),
      issue(7, { author_association: "member" }),
    ],
  })
  const trusted = threads.flatMap((t) => t.comments).filter((c) => isTrustedComment(c, { ignoreAuthors: [] }))
  assert.deepEqual(trusted.map((c) => c.id), ["1", "2", "7"])
})

Deno.test("the trusted associations are configurable", () => {
  const threads = toThreads({
    reviewComments: [],
    issueComments: [issue(1, { author_association: "CONTRIBUTOR" }), issue(2, { author_association: "MEMBER" })],
    reviews: [],
  }, { ownId: "99", trustedAssociations: ["CONTRIBUTOR"] })
  assert.deepEqual(threads.flatMap((t) => t.comments).map((c) => c.authorTrusted), [true, false])
})

Deno.test("the pipeline answers a trusted member's thread and skips one whose only comment is untrusted", () => {
  const threads = threadsOf({
    reviewComments: [review(1), review(2, { user: user(3, "mallory"), author_association: "NONE", path: "b.ts" })],
  })
  const toAnswer = threadsToAnswer(threads, new Set(), { ignoreAuthors: [] })
  assert.deepEqual(toAnswer.map((t) => t.thread.threadId), ["rc-1"])
})
