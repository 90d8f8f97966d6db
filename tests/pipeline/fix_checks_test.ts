import assert from "node:assert/strict"
import { Effect, Layer, Ref } from "effect"
import { NOTICE_START } from "../../src/pipeline/checks/verdict.ts"
import { fixChecks } from "../../src/pipeline/fix_checks.ts"
import { CheckRounds } from "../../src/services/store/CheckRounds.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { Workspace } from "../../src/services/workspace/Workspace.ts"
import { inTicketLog } from "../../src/services/store/TicketLogger.ts"
import { it } from "../support/effect_test.ts"
import { comment, makeMemoryForge, thread } from "../support/memory_forge.ts"
import { fakePipeline, logOf, ticketAt } from "./support/fake_pipeline.ts"

const head = "c".repeat(40)
const red = {
  headSha: head,
  checks: [
    { name: "web-PR / Lint", state: "failed" as const, log: Effect.succeed("2026-01-01T00:00:00Z no-var at a.ts:1\n") },
    { name: "web-PR / Unit", state: "passed" as const, log: Effect.succeed("") },
  ],
}

/** A ticket waiting on pull request 1, moved into FIX_CHECKS, over the fake pipeline and the memory forge. */
const setup = (settings: Record<string, string> = {}) =>
  Effect.gen(function* () {
    const pipeline = yield* fakePipeline({ settings })
    const memory = yield* makeMemoryForge([])
    yield* Ref.set(memory.checks, red)
    // The workspace's HEAD: the pull request's head until a round commits on top of it.
    const localHead = yield* Ref.make(head)
    const workspace = Layer.mock(Workspace, {
      _tag: "devvy/Workspace",
      path: () => pipeline.workspace,
      head: () => Ref.get(localHead),
      commitAll: () => Effect.as(Ref.set(localHead, "e".repeat(40)), true),
      push: () => Effect.void,
      delete: () => Effect.void,
    })
    return { ...pipeline, memory, localHead, layer: Layer.mergeAll(pipeline.layer, memory.layer, workspace) }
  })

const inFixChecks = Effect.gen(function* () {
  const ticket = yield* ticketAt(["PREPARE_ENV", "PLAN", "IMPLEMENT", "VALIDATE", "CREATE_PR", "WAIT_FOR_REVIEW"])
  const stored = yield* (yield* TicketStore).update(ticket.id, { prNumber: 1 })
  return yield* (yield* TicketStore).transition(stored.id, "FIX_CHECKS")
})

it.effect("an interrupted round is finished on resume, with the agent run again but no second round counted", () =>
  Effect.gen(function* () {
    const { layer, runs } = yield* setup()
    yield* Effect.gen(function* () {
      const ticket = yield* inFixChecks
      // What a driver killed while the agent worked leaves: the round started, nothing committed.
      yield* (yield* CheckRounds).start(ticket.id, head)
      assert.equal(yield* fixChecks(ticket).pipe(inTicketLog(ticket.id, "FIX_CHECKS")), "VALIDATE")
      assert.equal(runs.length, 1)
      assert.match(runs[0].prompt, /fix round 1 of 3/)
      assert.deepEqual(yield* (yield* CheckRounds).get(ticket.id), {
        used: 1,
        handledSha: head,
        open: false,
        notice: null,
      })
      assert.ok((yield* logOf(ticket.id)).some((l) => l.startsWith("finishing the interrupted round")))
    }).pipe(Effect.provide(layer))
  }))

it.effect("a round gives the agent each failed check's name and cleaned log tail, and the head is handled once", () =>
  Effect.gen(function* () {
    const { layer, runs, localHead } = yield* setup()
    yield* Effect.gen(function* () {
      const ticket = yield* inFixChecks
      const run = fixChecks(ticket).pipe(inTicketLog(ticket.id, "FIX_CHECKS"))
      assert.equal(yield* run, "VALIDATE")
      assert.equal(runs.length, 1)
      assert.match(runs[0].prompt, /fix round 1 of 3\)\. Failed: web-PR \/ Lint\./)
      assert.match(runs[0].prompt, /```text\nno-var at a\.ts:1\n```/)
      assert.ok(!runs[0].prompt.includes("web-PR / Unit"), "a passed check is not shown")
      assert.deepEqual(yield* (yield* CheckRounds).get(ticket.id), {
        used: 1,
        handledSha: head,
        open: false,
        notice: null,
      })
      // Resumed before VALIDATE pushed the fix: it is validated, not made again.
      assert.equal(yield* run, "VALIDATE")
      assert.equal(runs.length, 1)
      // The same head once the round is over (a second poll): nothing to fix.
      yield* Ref.set(localHead, head)
      assert.equal(yield* run, "WAIT_FOR_REVIEW")
      assert.equal(runs.length, 1)
      const lines = yield* logOf(ticket.id)
      assert.ok(lines.some((l) => l.includes(`checks failed on ${head.slice(0, 8)}: web-PR / Lint (round 1 of 3)`)))
      assert.ok(lines.some((l) => l.startsWith(`giving the agent the last 1 line of "web-PR / Lint"`)))
    }).pipe(Effect.provide(layer))
  }))

it.effect("with the rounds used up devvy comments once naming what fails, and a crash mid-post is not posted twice", () =>
  Effect.gen(function* () {
    const { layer, runs, memory } = yield* setup({ DEVVY_MAX_CHECK_FIX_ATTEMPTS: "1" })
    yield* Effect.gen(function* () {
      const ticket = yield* inFixChecks
      const rounds = yield* CheckRounds
      yield* rounds.start(ticket.id, "d".repeat(40))
      yield* rounds.close(ticket.id)
      const run = fixChecks(ticket).pipe(inTicketLog(ticket.id, "FIX_CHECKS"))
      assert.equal(yield* run, "WAIT_FOR_REVIEW")
      assert.equal(runs.length, 0, "no agent run past the cap")
      const posted = yield* Ref.get(memory.comments)
      assert.equal(posted.length, 1)
      assert.match(posted[0], /1 time and stops here[\s\S]*^- web-PR \/ Lint$/m)
      assert.equal(yield* run, "WAIT_FOR_REVIEW")
      assert.equal((yield* Ref.get(memory.comments)).length, 1, "posted once")

      // A driver killed between posting and recording it: the comment is found on the forge.
      yield* rounds.notice(ticket.id, "posting")
      yield* Ref.set(memory.threads, [thread("9", [comment("1", "devvy", `${NOTICE_START} 1 time`, true)])])
      assert.equal(yield* run, "WAIT_FOR_REVIEW")
      assert.equal((yield* Ref.get(memory.comments)).length, 1)
      assert.equal((yield* rounds.get(ticket.id)).notice, "posted")
    }).pipe(Effect.provide(layer))
  }))
