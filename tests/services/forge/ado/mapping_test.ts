import assert from "node:assert/strict"
import { Option, Schema } from "effect"
import { toThread } from "../../../../src/services/forge/ado/mapping.ts"
import { AdoThread } from "../../../../src/services/forge/ado/schemas.ts"

const ME = "C2135BA4-0000-0000-0000-000000000001"
const decode = Schema.decodeUnknownSync(AdoThread)
const map = (json: unknown) => toThread(decode(json), ME.toLowerCase())

const human = (id: string) => ({ id, displayName: "Normal Paulk", uniqueName: "np@example.com" })

Deno.test("the spec's system thread (no status, CodeReviewThreadType, system comment) is marked system", () => {
  const thread = map({
    id: 142,
    threadContext: null,
    comments: [{
      id: 1,
      parentCommentId: 0,
      commentType: "system",
      author: {
        id: "41113706-x",
        displayName: "[DefaultCollection]\\Project Collection Service Accounts",
        isContainer: true,
      },
      content: "Normal Paulk added Johnnie McLeod as a reviewer",
    }],
    properties: { CodeReviewThreadType: { $type: "System.String", $value: "ReviewersUpdate" } },
  })
  assert.ok(Option.exists(thread, (t) => t.isSystem))
})

Deno.test("a text comment from a service account is a system notice, not a reviewer's words", () => {
  const thread = map({
    id: 7,
    status: "active",
    comments: [{
      id: 1,
      commentType: "text",
      author: { id: "svc", displayName: "Build", isContainer: true },
      content: "Build failed",
    }],
  })
  assert.ok(Option.exists(thread, (t) => t.isSystem))
})

Deno.test("a file thread keeps its path and right-side line, and drops deleted comments", () => {
  const thread = Option.getOrThrow(map({
    id: 148,
    status: "active",
    threadContext: {
      filePath: "/new_feature.cpp",
      rightFileStart: { line: 5, offset: 1 },
      rightFileEnd: { line: 5, offset: 13 },
    },
    comments: [
      {
        id: 1,
        parentCommentId: 0,
        commentType: "text",
        author: human("d6245f20"),
        content: "Why?",
        publishedDate: "2016-11-01T16:30:50.083Z",
      },
      { id: 2, parentCommentId: 1, commentType: "text", isDeleted: true, author: human("d6245f20") },
    ],
  }))
  assert.equal(thread.isSystem, false)
  assert.deepEqual(thread.filePath, Option.some("/new_feature.cpp"))
  assert.deepEqual(thread.line, Option.some(5))
  assert.deepEqual(thread.comments.map((c) => c.id), ["1"])
  assert.equal(thread.comments[0].publishedAt.toISOString(), "2016-11-01T16:30:50.083Z")
})

Deno.test("own comments are recognised whatever the case of the identity GUID", () => {
  const thread = Option.getOrThrow(map({
    id: 9,
    status: "active",
    comments: [
      { id: 1, commentType: "text", author: human("someone"), content: "Please rename" },
      { id: 2, commentType: "text", author: human(ME), content: "Renamed" },
    ],
  }))
  assert.deepEqual(thread.comments.map((c) => c.isOwn), [false, true])
})

Deno.test("a thread whose every comment was deleted, or that was deleted, is left out", () => {
  assert.ok(Option.isNone(map({ id: 1, status: "active", comments: [{ id: 1, isDeleted: true }] })))
  assert.ok(Option.isNone(map({ id: 2, status: "active", isDeleted: true, comments: [{ id: 1, content: "x" }] })))
})
