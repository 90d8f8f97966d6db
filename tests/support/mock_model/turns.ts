/**
 * What the mock model answers, one turn per request, and how a turn is written on the wire in the
 * OpenAI chat-completions format, streamed (SSE chunks) or plain.
 */

/** Token counts as OpenAI reports them; opencode turns them into its step_finish tokens. */
export interface Usage {
  readonly input: number
  readonly output: number
  readonly reasoning?: number
  readonly cachedInput?: number
}

export interface ToolCall {
  readonly name: string
  readonly args: Readonly<Record<string, unknown>>
}

export type Turn =
  | { readonly kind: "text"; readonly text: string; readonly usage?: Usage }
  | { readonly kind: "tools"; readonly calls: ReadonlyArray<ToolCall>; readonly usage?: Usage }
  | { readonly kind: "error"; readonly status: number; readonly message: string }
  | { readonly kind: "hang" }

const withUsage = (usage: Usage | undefined) => (usage === undefined ? {} : { usage })

export const turn = {
  text: (text: string, usage?: Usage): Turn => ({ kind: "text", text, ...withUsage(usage) }),
  tools: (calls: ReadonlyArray<ToolCall>, usage?: Usage): Turn => ({ kind: "tools", calls, ...withUsage(usage) }),
  /** opencode's write tool wants an absolute path inside the project directory. */
  write: (filePath: string, content: string, usage?: Usage): Turn =>
    turn.tools([{ name: "write", args: { filePath, content } }], usage),
  bash: (command: string, usage?: Usage): Turn =>
    turn.tools([{ name: "bash", args: { command, description: "Runs a command" } }], usage),
  /** A 4xx is not retried by opencode; a 5xx is, five times over about a minute. */
  error: (status: number, message: string): Turn => ({ kind: "error", status, message }),
  /** Accepts the request and never answers: what a stuck provider looks like. */
  hang: (): Turn => ({ kind: "hang" }),
}

const usageJson = (usage: Usage) => ({
  prompt_tokens: usage.input,
  completion_tokens: usage.output,
  total_tokens: usage.input + usage.output,
  prompt_tokens_details: { cached_tokens: usage.cachedInput ?? 0 },
  completion_tokens_details: { reasoning_tokens: usage.reasoning ?? 0 },
})

const toolCallsJson = (calls: ReadonlyArray<ToolCall>, seq: number) =>
  calls.map((call, index) => ({
    index,
    id: `call_${seq}_${index}`,
    type: "function",
    function: { name: call.name, arguments: JSON.stringify(call.args) },
  }))

type Answer = Extract<Turn, { kind: "text" | "tools" }>

const finishReason = (answer: Answer) => (answer.kind === "text" ? "stop" : "tool_calls")

/** The SSE lines of a streamed answer: the content, the finish reason, the usage, then [DONE]. */
export const sseChunks = (answer: Answer, model: string, seq: number): ReadonlyArray<string> => {
  const base = { id: `chatcmpl-${seq}`, object: "chat.completion.chunk", created: 0, model }
  const delta = answer.kind === "text"
    ? { role: "assistant", content: answer.text }
    : { role: "assistant", tool_calls: toolCallsJson(answer.calls, seq) }
  const chunks: Array<unknown> = [
    { ...base, choices: [{ index: 0, delta, finish_reason: null }] },
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: finishReason(answer) }] },
  ]
  if (answer.usage) chunks.push({ ...base, choices: [], usage: usageJson(answer.usage) })
  return [...chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`), "data: [DONE]\n\n"]
}

/** The body of a non-streamed answer. */
export const completion = (answer: Answer, model: string, seq: number): unknown => ({
  id: `chatcmpl-${seq}`,
  object: "chat.completion",
  created: 0,
  model,
  choices: [{
    index: 0,
    message: answer.kind === "text"
      ? { role: "assistant", content: answer.text }
      : { role: "assistant", content: null, tool_calls: toolCallsJson(answer.calls, seq) },
    finish_reason: finishReason(answer),
  }],
  ...(answer.usage ? { usage: usageJson(answer.usage) } : {}),
})

/** OpenAI's error body, so the provider SDK reports the message rather than a parse failure. */
export const errorBody = (status: number, message: string): unknown => ({
  error: { message, type: status < 500 ? "invalid_request_error" : "server_error", code: null },
})
