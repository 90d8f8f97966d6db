import assert from "node:assert/strict"
import { Effect } from "effect"
import { it } from "../effect_test.ts"
import { makeMockModel } from "./server.ts"
import { turn } from "./turns.ts"

const post = (url: string, body: unknown) =>
  Effect.promise(() =>
    fetch(`${url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer k" },
      body: JSON.stringify(body),
    })
  )

const chat = (stream: boolean, text = "hello") => ({
  model: "m1",
  stream,
  messages: [{ role: "system", content: "sys" }, { role: "user", content: [{ type: "text", text }] }],
  tools: [{ type: "function", function: { name: "write" } }],
})

it.live(
  "a streamed text turn is SSE chunks with the usage last and [DONE], and the request is recorded",
  () =>
    Effect.gen(function* () {
      const model = yield* makeMockModel([turn.text("Hi there", { input: 10, output: 2, cachedInput: 4 })])
      const response = yield* post(model.baseUrl, chat(true))
      assert.equal(response.headers.get("content-type"), "text/event-stream")
      const events = (yield* Effect.promise(() => response.text())).split("\n\n").filter((e) => e !== "")
      assert.equal(events.at(-1), "data: [DONE]")
      const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice("data: ".length)))
      assert.equal(chunks[0].choices[0].delta.content, "Hi there")
      assert.equal(chunks[1].choices[0].finish_reason, "stop")
      assert.deepEqual(chunks[2].usage.prompt_tokens_details, { cached_tokens: 4 })
      assert.deepEqual(model.requests[0], {
        model: "m1",
        stream: true,
        messages: [
          { role: "system", text: "sys", toolCalls: [], toolCallId: undefined },
          { role: "user", text: "hello", toolCalls: [], toolCallId: undefined },
        ],
        tools: ["write"],
        lastUserText: "hello",
        afterTool: false,
        authorization: "Bearer k",
      })
    }),
)

it.live("a plain tool-call turn carries the call's arguments as a JSON string", () =>
  Effect.gen(function* () {
    const model = yield* makeMockModel([turn.write("/workspace/a.txt", "x")])
    const response = yield* post(model.baseUrl, chat(false))
    const body = yield* Effect.promise(() => response.json())
    assert.equal(body.choices[0].finish_reason, "tool_calls")
    const call = body.choices[0].message.tool_calls[0]
    assert.equal(call.function.name, "write")
    assert.deepEqual(JSON.parse(call.function.arguments), { filePath: "/workspace/a.txt", content: "x" })
  }))

it.live(
  "an error turn answers with its status and an OpenAI error body; an exhausted script answers 400",
  () =>
    Effect.gen(function* () {
      const model = yield* makeMockModel([turn.error(429, "slow down")])
      const first = yield* post(model.baseUrl, chat(true))
      assert.equal(first.status, 429)
      assert.equal((yield* Effect.promise(() => first.json())).error.message, "slow down")
      const second = yield* post(model.baseUrl, chat(true))
      assert.equal(second.status, 400)
      assert.match((yield* Effect.promise(() => second.json())).error.message, /no turn scripted for request 1/)
    }),
)

it.live("a script function chooses each turn from the request", () =>
  Effect.gen(function* () {
    const model = yield* makeMockModel((request) => turn.text(`you said ${request.lastUserText}`))
    const response = yield* post(model.baseUrl, chat(false, "plan"))
    assert.equal((yield* Effect.promise(() => response.json())).choices[0].message.content, "you said plan")
  }))

it.live("a hanging turn never answers, and stopping the model ends it", () =>
  Effect.gen(function* () {
    const pending = yield* Effect.scoped(Effect.gen(function* () {
      const model = yield* makeMockModel([turn.hang()])
      const response = yield* post(model.baseUrl, chat(true))
      const body = Effect.promise(() => response.text().then(() => "ended", () => "ended"))
      const early = yield* Effect.timeout(body, "300 millis").pipe(Effect.option)
      assert.equal(early._tag, "None", "no answer while the model runs")
      return body
    }))
    assert.equal(yield* Effect.timeout(pending, "2 seconds"), "ended")
  }))
