import assert from "node:assert/strict"
import { Effect, Layer, Ref } from "effect"
import { postReplies, settlePendingReplies } from "../../../src/pipeline/review/post_replies.ts"
import { Forge } from "../../../src/services/forge/Forge.ts"
import { ReplyLedger } from "../../../src/services/store/ReplyLedger.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { it } from "../../support/effect_test.ts"
import { comment, makeMemoryForge, thread } from "../../support/memory_forge.ts"
import { TempStore } from "../../support/temp_home.ts"

const Store = ReplyLedger.Default.pipe(Layer.provideMerge(TempStore))
const newTicket = { title: "t", description: "", repoUrl: "/r", model: "m/m" }
const reviewThreads = [thread("1", [comment("1", "Ana", "Rename foo")]), thread("2", [comment("1", "Bo", "Why?")])]

const ownReplies = (threads: ReadonlyArray<{ comments: ReadonlyArray<{ isOwn: boolean }> }>) =>
  threads.flatMap((t) => t.comments.filter((c) => c.isOwn)).length

it.effect("each reply is posted once and its comments are recorded as answered", () =>
  Effect.gen(function* () {
    const { id } = yield* (yield* TicketStore).create(newTicket)
    const mem = yield* makeMemoryForge(reviewThreads)
    const replies = [
      { threadId: "1", content: "Renamed.", commentIds: ["1"] },
      { threadId: "2", content: "Because of X.", commentIds: ["1"] },
    ]
    yield* postReplies(id, 1, replies).pipe(Effect.provide(mem.layer))
    yield* postReplies(id, 1, []).pipe(Effect.provide(mem.layer))
    assert.equal(yield* Ref.get(mem.replyCalls), 2)
    const ledger = yield* ReplyLedger
    assert.deepEqual([...(yield* ledger.handled(id))].sort(), ["1/1", "2/1"])
    assert.equal((yield* ledger.pending(id)).length, 0)
  }), Store)

it.effect("a crash after posting but before recording does not post the reply again", () =>
  Effect.gen(function* () {
    const { id } = yield* (yield* TicketStore).create(newTicket)
    const mem = yield* makeMemoryForge(reviewThreads)
    const ledger = yield* ReplyLedger
    // What a driver killed between the forge's answer and the ledger's write leaves behind.
    yield* ledger.intend(id, { threadId: "1", content: "Renamed.", commentIds: ["1"] })
    yield* Effect.flatMap(Forge, (forge) => forge.reply(1, "1", "Renamed.")).pipe(Effect.provide(mem.layer))
    yield* settlePendingReplies(id, 1).pipe(Effect.provide(mem.layer))
    assert.equal(yield* Ref.get(mem.replyCalls), 1)
    assert.equal(ownReplies(yield* Ref.get(mem.threads)), 1)
    assert.equal((yield* ledger.pending(id)).length, 0)
    assert.ok((yield* ledger.handled(id)).has("1/1"))
  }), Store)

it.effect("a crash before posting posts the reply on resume, once", () =>
  Effect.gen(function* () {
    const { id } = yield* (yield* TicketStore).create(newTicket)
    const mem = yield* makeMemoryForge(reviewThreads)
    const ledger = yield* ReplyLedger
    yield* ledger.intend(id, { threadId: "2", content: "Because of X.", commentIds: ["1"] })
    yield* settlePendingReplies(id, 1).pipe(Effect.provide(mem.layer))
    yield* settlePendingReplies(id, 1).pipe(Effect.provide(mem.layer))
    assert.equal(yield* Ref.get(mem.replyCalls), 1)
    assert.equal(ownReplies(yield* Ref.get(mem.threads)), 1)
  }), Store)
