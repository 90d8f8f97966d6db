import assert from "node:assert/strict"
import { applyActivity, type LiveView, renderLiveLine } from "../../src/cli/ui/live_line.ts"
import { stripAnsi } from "../../src/cli/ui/plain_console.ts"
import { parseLine, toolTarget } from "../../src/services/agent/events.ts"

const view: LiveView = { state: "IMPLEMENT", since: 0, action: undefined, tokens: 1280, cost: 0.5 }

Deno.test("the live line shows the state, time in it, the latest action, and the tokens and cost so far", () => {
  const seen = [
    { _tag: "Tool", tool: "write", target: "src/app.ts" },
    { _tag: "Usage", tokens: 1000, cost: 0.25 },
  ] as const
  const after = seen.reduce(applyActivity, view)
  const line = stripAnsi(renderLiveLine(after, { now: 65_000, frame: 0, columns: 120 }))
  assert.equal(line, "⠋ IMPLEMENT 1m 05s · write src/app.ts · 2,280 tokens · $0.75")
  const validating = applyActivity({ ...after, state: "VALIDATE" }, {
    _tag: "Script",
    script: "src/scripts/run-tests.sh",
  })
  assert.match(
    stripAnsi(renderLiveLine(validating, { now: 1000, frame: 1, columns: 120 })),
    /· src\/scripts\/run-tests\.sh ·/,
  )
})

Deno.test("the live line fits the terminal by shortening the action, so it never wraps", () => {
  const long = { ...view, action: `bash ${"npm test -- --reporter=verbose ".repeat(10)}` }
  const line = stripAnsi(renderLiveLine(long, { now: 1000, frame: 0, columns: 60 }))
  assert.ok(line.length <= 59, `${line.length}: ${line}`)
  assert.match(line, /· bash npm test.*… · 1,280 tokens/)
})

Deno.test("a tool call's target is its file inside the workspace, its command, or its pattern", () => {
  const event = (tool: string, input: unknown) => {
    const parsed = parseLine(JSON.stringify({
      type: "tool_use",
      timestamp: 1,
      sessionID: "ses_1",
      part: { tool, callID: "c", state: { status: "completed", input, title: "a title" } },
    }))
    assert.ok(parsed._tag === "Event" && parsed.event._tag === "tool_use")
    return toolTarget(parsed.event)
  }
  assert.equal(event("write", { filePath: "/workspace/src/app.ts", content: "x" }), "src/app.ts")
  assert.equal(event("bash", { command: "npm test", description: "Runs" }), "npm test")
  assert.equal(event("grep", { pattern: "TODO" }), "TODO")
  assert.equal(event("todowrite", { todos: [] }), "a title")
  assert.equal(event("read", "not an object"), "a title")
})
