/**
 * An OpenAI-compatible model on 127.0.0.1 with scripted turns, for driving the real opencode binary
 * offline. It records every request, so a test can check what opencode sent (a continued session
 * carries the earlier messages).
 */
import { Effect, Schema, type Scope } from "effect"
import { completion, errorBody, sseChunks, type Turn } from "./turns.ts"

const Part = Schema.Struct({ type: Schema.String, text: Schema.optional(Schema.String) })
const Message = Schema.Struct({
  role: Schema.String,
  content: Schema.optional(Schema.NullOr(Schema.Union(Schema.String, Schema.Array(Part)))),
  tool_calls: Schema.optional(Schema.Array(Schema.Struct({
    id: Schema.String,
    function: Schema.Struct({ name: Schema.String, arguments: Schema.String }),
  }))),
  tool_call_id: Schema.optional(Schema.String),
})
const ChatRequest = Schema.Struct({
  model: Schema.String,
  stream: Schema.optional(Schema.Boolean),
  messages: Schema.Array(Message),
  tools: Schema.optional(Schema.Array(Schema.Struct({ function: Schema.Struct({ name: Schema.String }) }))),
})
const decodeChatRequest = Schema.decodeUnknownEither(Schema.parseJson(ChatRequest))

export interface RecordedMessage {
  readonly role: string
  readonly text: string
  readonly toolCalls: ReadonlyArray<string>
  readonly toolCallId: string | undefined
}

/** One request as the model saw it. */
export interface RecordedRequest {
  readonly model: string
  readonly stream: boolean
  readonly messages: ReadonlyArray<RecordedMessage>
  readonly tools: ReadonlyArray<string>
  /** The text of the last user message: what a script usually chooses its answer by. */
  readonly lastUserText: string
  /** True when the last message is a tool result: the model's turn after a tool ran. */
  readonly afterTool: boolean
  /** The Authorization header: which credentials opencode used. */
  readonly authorization: string | undefined
}

/** A queue of turns taken in order, or a function choosing each turn from the request. */
export type Script = ReadonlyArray<Turn> | ((request: RecordedRequest, index: number) => Turn)

export interface MockModel {
  /** The provider base URL, e.g. http://127.0.0.1:41234/v1 */
  readonly baseUrl: string
  readonly requests: ReadonlyArray<RecordedRequest>
}

const messageText = (content: typeof Message.Type["content"]): string =>
  content == null ? "" : typeof content === "string" ? content : content.map((p) => p.text ?? "").join("")

const record = (body: typeof ChatRequest.Type, authorization: string | undefined): RecordedRequest => {
  const messages = body.messages.map((m): RecordedMessage => ({
    role: m.role,
    text: messageText(m.content),
    toolCalls: (m.tool_calls ?? []).map((c) => c.function.name),
    toolCallId: m.tool_call_id,
  }))
  return {
    model: body.model,
    stream: body.stream ?? false,
    messages,
    tools: (body.tools ?? []).map((t) => t.function.name),
    lastUserText: messages.findLast((m) => m.role === "user")?.text ?? "",
    afterTool: messages.at(-1)?.role === "tool",
    authorization,
  }
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })

/** Starts the model on a free port of 127.0.0.1; it stops, hanging answers included, with the scope. */
export const makeMockModel = (script: Script): Effect.Effect<MockModel, never, Scope.Scope> =>
  Effect.gen(function* () {
    const requests: Array<RecordedRequest> = []
    const hanging = new Set<ReadableStreamDefaultController<Uint8Array>>()
    const encoder = new TextEncoder()

    const next = (request: RecordedRequest, index: number): Turn =>
      typeof script === "function"
        ? script(request, index)
        : script[index] ?? { kind: "error", status: 400, message: `mock model: no turn scripted for request ${index}` }

    const handle = async (req: Request): Promise<Response> => {
      const url = new URL(req.url)
      if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") {
        return json(404, errorBody(404, `mock model: no route ${req.method} ${url.pathname}`))
      }
      const decoded = decodeChatRequest(await req.text())
      if (decoded._tag === "Left") return json(400, errorBody(400, `mock model: bad request: ${decoded.left}`))
      const request = record(decoded.right, req.headers.get("authorization") ?? undefined)
      const index = requests.push(request) - 1
      const answer = next(request, index)
      if (answer.kind === "error") return json(answer.status, errorBody(answer.status, answer.message))
      if (answer.kind === "hang") {
        let held: ReadableStreamDefaultController<Uint8Array> | undefined
        const body = new ReadableStream<Uint8Array>({
          start: (controller) => void hanging.add(held = controller),
          // The client gave up (opencode was killed): nothing left to end.
          cancel: () => void (held && hanging.delete(held)),
        })
        return new Response(body, { headers: { "content-type": "text/event-stream" } })
      }
      if (!request.stream) return json(200, completion(answer, request.model, index))
      const lines = sseChunks(answer, request.model, index)
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const line of lines) controller.enqueue(encoder.encode(line))
          controller.close()
        },
      })
      return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache" } })
    }

    const server = yield* Effect.acquireRelease(
      Effect.sync(() => Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handle)),
      (server) =>
        Effect.promise(() => {
          for (const controller of hanging) {
            try {
              controller.close()
            } catch {
              // Its client went away first.
            }
          }
          return server.shutdown()
        }),
    )
    return { baseUrl: `http://127.0.0.1:${server.addr.port}/v1`, requests }
  })

export interface ProviderOptions {
  readonly models?: ReadonlyArray<string>
  /** Dollars per million tokens, so that opencode reports a cost. */
  readonly cost?: { readonly input: number; readonly output: number }
  /** Without it the key comes from auth.json's "mock" entry. */
  readonly apiKey?: string
}

/** The opencode provider entry that points at this model; `-m mock/<model>` selects it. */
export const mockProviderConfig = (model: MockModel, options: ProviderOptions = {}) => ({
  provider: {
    mock: {
      npm: "@ai-sdk/openai-compatible",
      name: "Mock",
      options: { baseURL: model.baseUrl, ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }) },
      models: Object.fromEntries(
        (options.models ?? ["m1"]).map((id) => [id, { name: id, ...(options.cost ? { cost: options.cost } : {}) }]),
      ),
    },
  },
})
