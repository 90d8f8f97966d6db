import assert from "node:assert/strict"
import { describeLine, isRejection, parseLine, sessionIdOf } from "../../../src/services/agent/events.ts"

// Lines as opencode 1.18.33 printed them against the mock model (ids shortened).
const stepFinish = JSON.stringify({
  type: "step_finish",
  timestamp: 1,
  sessionID: "ses_abc",
  part: {
    id: "prt_1",
    reason: "stop",
    type: "step-finish",
    tokens: { total: 1050, input: 800, output: 45, reasoning: 5, cache: { write: 0, read: 200 } },
    cost: 0.0125,
  },
})
const toolError = JSON.stringify({
  type: "tool_use",
  timestamp: 2,
  sessionID: "ses_abc",
  part: {
    type: "tool",
    tool: "write",
    callID: "call_1",
    state: { status: "error", input: { filePath: "/etc/x" }, error: "The user rejected permission to use this tool" },
  },
})
const modelError = JSON.stringify({
  type: "error",
  timestamp: 3,
  sessionID: "ses_abc",
  error: { name: "APIError", data: { message: "the model says no", statusCode: 400, isRetryable: false } },
})

Deno.test("a step_finish line decodes with its tokens, cost and session id", () => {
  const line = parseLine(stepFinish)
  assert.equal(line._tag, "Event")
  if (line._tag !== "Event" || line.event._tag !== "step_finish") throw new Error("not a step_finish")
  assert.equal(line.event.part.reason, "stop")
  assert.deepEqual(line.event.part.tokens, { input: 800, output: 45, reasoning: 5, cache: { write: 0, read: 200 } })
  assert.equal(line.event.part.cost, 0.0125)
  assert.equal(sessionIdOf(line), "ses_abc")
})

Deno.test("an error event carries the model's own message into the log line", () => {
  const line = parseLine(modelError)
  assert.equal(line._tag, "Event")
  assert.deepEqual(describeLine(line), { level: "error", message: "model error: APIError: the model says no" })
})

Deno.test("a tool call refused for lack of permission is recognised as a rejection", () => {
  const line = parseLine(toolError)
  if (line._tag !== "Event") throw new Error("not an event")
  assert.ok(isRejection(line.event))
  assert.equal(describeLine(line).level, "warn")
})

Deno.test("an unknown event type is kept with its session id instead of failing the run", () => {
  const line = parseLine(JSON.stringify({ type: "reasoning", sessionID: "ses_x", part: { text: "hmm" } }))
  assert.deepEqual(line, { _tag: "UnknownEvent", type: "reasoning", sessionID: "ses_x" })
  assert.equal(sessionIdOf(line), "ses_x")
  assert.match(describeLine(line).message, /reasoning/)
})

Deno.test("a line that is not JSON is kept as a raw log line", () => {
  const line = parseLine("Error: something odd { happened")
  assert.deepEqual(line, { _tag: "Raw", line: "Error: something odd { happened" })
  assert.equal(describeLine(line).message, "opencode: Error: something odd { happened")
})

Deno.test("a text event is logged on one clipped line", () => {
  const long = "word ".repeat(200)
  const line = parseLine(JSON.stringify({ type: "text", sessionID: "s", part: { text: `first\nsecond ${long}` } }))
  const { message } = describeLine(line)
  assert.ok(message.startsWith("agent: first second word"))
  assert.ok(!message.includes("\n"))
  assert.ok(message.length <= 410)
})
