/** What the real opencode binary must do under devvy, whatever runs it; each returns a test body. */
import assert from "node:assert/strict"
import { Effect, Option } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { AgentUsage } from "../../../src/services/agent/AgentUsage.ts"
import { implementPrompt, planPrompt } from "../../../src/pipeline/prompts/prompts.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { turn } from "../../support/mock_model/turns.ts"
import { loggedLines } from "./agent_layer.ts"
import { withTicket, type WorkerKit } from "./scenarios.ts"

const plan = "Plan: add hello.txt saying hi, then run the scripts."
const ticketText = { title: "Add hello", description: "Add a file hello.txt that says hi" }

/** PLAN answers with the plan; IMPLEMENT writes the file, runs a command, then reports. */
const ticketScript =
  (workspace: string) =>
  (request: { lastUserText: string; afterTool: boolean; messages: ReadonlyArray<{ role: string }> }) => {
    if (request.lastUserText.includes("planning only")) {
      return turn.text(plan, { input: 1500, output: 60, cachedInput: 500 })
    }
    const toolResults = request.messages.filter((m) => m.role === "tool").length
    if (!request.afterTool) return turn.write(path.join(workspace, "hello.txt"), "hi\n", { input: 2000, output: 30 })
    if (toolResults === 1) return turn.bash("cat hello.txt", { input: 2100, output: 10 })
    return turn.text("Implemented: hello.txt added.", { input: 2200, output: 12 })
  }

export const planThenImplement = <R>(kit: WorkerKit<R>) =>
  withTicket(kit, ticketScript, ({ ticket, hostWorkspace, model, run }) =>
    Effect.gen(function* () {
      const planned = yield* run("PLAN", planPrompt(ticketText), Option.none())
      assert.equal(planned.text, plan)
      assert.match(planned.sessionId, /^ses_/)
      assert.equal((yield* (yield* TicketStore).get(ticket.id)).opencodeSession, planned.sessionId)

      const implemented = yield* run("IMPLEMENT", implementPrompt(), Option.some(planned.sessionId))
      assert.equal(implemented.sessionId, planned.sessionId)
      assert.equal(implemented.text, "Implemented: hello.txt added.")
      assert.equal(fs.readFileSync(path.join(hostWorkspace, "hello.txt"), "utf8"), "hi\n")

      // The first IMPLEMENT request carries the whole PLAN exchange before the new prompt.
      const first = model.requests.find((r) => r.lastUserText.includes("Now implement the plan"))
      assert.ok(first, "IMPLEMENT reached the model")
      assert.deepEqual(first.messages.map((m) => m.role), ["system", "user", "assistant", "user"])
      assert.match(first.messages[1].text, /planning only/)
      assert.equal(first.messages[2].text, plan)
      const bash = model.requests.at(-1)?.messages.findLast((m) => m.role === "tool")
      assert.equal(bash?.text.trim(), "hi", "the bash tool ran in the workspace")

      const log = (yield* loggedLines(ticket.id)).map((l) => `${l.phase} ${l.message}`)
      assert.ok(log.includes(`PLAN agent: ${plan}`))
      assert.ok(log.some((l) => l.startsWith("IMPLEMENT tool write: ")))
      assert.ok(log.some((l) => l.startsWith("IMPLEMENT tool bash: cat hello.txt")))

      const phases = yield* (yield* AgentUsage).byPhase(ticket.id)
      assert.deepEqual(phases.map((p) => p.phase), ["PLAN", "IMPLEMENT"])
      // opencode reports input without the cached part: 1500 sent, 500 of them from the cache.
      assert.deepEqual([phases[0].usage.input, phases[0].usage.cacheRead, phases[0].usage.output], [1000, 500, 60])
      assert.deepEqual([phases[1].usage.input, phases[1].usage.output], [2000 + 2100 + 2200, 30 + 10 + 12])
      assert.equal(phases[1].usage.input, implemented.usage.input)
      assert.ok(phases[0].usage.cost > 0, "the model's price gives a cost")
      assert.equal(phases[0].usage.cost, planned.usage.cost)
    }))

export const modelError = <R>(kit: WorkerKit<R>) =>
  withTicket(
    kit,
    () => [turn.error(400, "The model `m1` is not available to this key")],
    ({ ticket, run }) =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(run("PLAN", planPrompt(ticketText), Option.none()))
        assert.equal(error._tag, "AgentModelError")
        if (error._tag !== "AgentModelError") return
        assert.equal(error.detail, "The model `m1` is not available to this key")
        assert.equal(error.statusCode, 400)
        const log = (yield* loggedLines(ticket.id)).map((l) => l.message)
        assert.ok(log.some((m) => m.includes("The model `m1` is not available to this key")))
      }),
  )

// Long enough for opencode to start and reach the model on a loaded machine (start-up alone took 20–35 s
// on two busy cores): the stall timer runs from the process's start, since a hang during start-up must be
// caught too.
export const stall = <R>(kit: WorkerKit<R>, afterKill: (worker: string) => Effect.Effect<void, unknown, R>) =>
  withTicket(kit, () => [turn.hang()], ({ worker, model, run }) =>
    Effect.gen(function* () {
      const started = Date.now()
      const error = yield* Effect.flip(run("PLAN", planPrompt(ticketText), Option.none()))
      assert.equal(error._tag, "AgentStalled")
      assert.equal(model.requests.length, 1, "opencode was waiting on the model when it was stopped")
      assert.ok(Date.now() - started < 120_000, "stopped soon after the stall timeout, not by the phase timeout")
      yield* afterKill(worker.worker)
    }), { settings: { DEVVY_STALL_TIMEOUT: "60" } })

export const readOnlyApiKey = <R>(kit: WorkerKit<R>) =>
  withTicket(kit, () => [turn.text("ok")], ({ run, model }) =>
    Effect.gen(function* () {
      const result = yield* run("PLAN", planPrompt(ticketText), Option.none())
      assert.equal(result.text, "ok")
      assert.equal(model.requests[0].authorization, "Bearer sk-from-auth-json")
    }), { auth: { mock: { type: "api", key: "sk-from-auth-json" } } })

export const permissionAsked = <R>(kit: WorkerKit<R>) =>
  withTicket(
    kit,
    () => [turn.tools([{ name: "webfetch", args: { url: "http://127.0.0.1:9/", format: "text" } }]), turn.text("ok")],
    ({ run }) =>
      Effect.gen(function* () {
        const error = yield* Effect.flip(run("PLAN", planPrompt(ticketText), Option.none()))
        assert.equal(error._tag, "AgentRejected")
        assert.match(error.message, /webfetch/)
      }),
    // A user's config that asks before fetching: nobody can answer in a run, so opencode refuses and exits 0.
    { userConfig: { permission: { webfetch: "ask" } } },
  )
