/**
 * The JSON events `opencode run --format json` prints, one object a line on stdout. Every line is
 * decoded: a known event, an event type this version of devvy does not know (kept and logged), or a
 * line that is not JSON at all (kept as a log line).
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

const Tokens = Schema.Struct({
  input: Schema.Number,
  output: Schema.Number,
  reasoning: Schema.optionalWith(Schema.Number, { default: () => 0 }),
  cache: Schema.optionalWith(Schema.Struct({ read: Schema.Number, write: Schema.Number }), {
    default: () => ({ read: 0, write: 0 }),
  }),
})

export const StepStart = Schema.TaggedStruct("step_start", {
  sessionID: Schema.String,
  part: Schema.Struct({ snapshot: Schema.optional(Schema.String) }),
})

export const ToolUse = Schema.TaggedStruct("tool_use", {
  sessionID: Schema.String,
  part: Schema.Struct({
    tool: Schema.String,
    callID: Schema.String,
    state: Schema.Struct({
      status: Schema.String,
      input: Schema.optional(Schema.Unknown),
      output: Schema.optional(Schema.String),
      error: Schema.optional(Schema.String),
      title: Schema.optional(Schema.String),
    }),
  }),
})

export const Text = Schema.TaggedStruct("text", {
  sessionID: Schema.String,
  part: Schema.Struct({ text: Schema.String }),
})

export const StepFinish = Schema.TaggedStruct("step_finish", {
  sessionID: Schema.String,
  part: Schema.Struct({
    reason: Schema.String,
    tokens: Tokens,
    cost: Schema.optionalWith(Schema.Number, { default: () => 0 }),
  }),
})

export const ErrorEvent = Schema.TaggedStruct("error", {
  sessionID: Schema.optional(Schema.String),
  error: Schema.Struct({
    name: Schema.String,
    data: Schema.optional(Schema.Struct({
      message: Schema.optional(Schema.String),
      statusCode: Schema.optional(Schema.Number),
      isRetryable: Schema.optional(Schema.Boolean),
    })),
  }),
})

export const OpencodeEvent = Schema.Union(StepStart, ToolUse, Text, StepFinish, ErrorEvent)
export type OpencodeEvent = typeof OpencodeEvent.Type

// opencode tags its events with `type`, which TaggedStruct calls `_tag`.
const fromWire = Schema.transform(
  Schema.Struct({ type: Schema.String }, { key: Schema.String, value: Schema.Unknown }),
  Schema.Struct({ _tag: Schema.String }, { key: Schema.String, value: Schema.Unknown }),
  {
    strict: true,
    decode: ({ type, ...rest }) => ({ ...rest, _tag: type }),
    encode: ({ _tag, ...rest }) => ({ ...rest, type: _tag }),
  },
)
const decodeEvent = Schema.decodeUnknownEither(Schema.parseJson(Schema.compose(fromWire, OpencodeEvent)))
const decodeTyped = Schema.decodeUnknownEither(
  Schema.parseJson(Schema.Struct({ type: Schema.String, sessionID: Schema.optional(Schema.String) })),
)

/** One stdout line, classified. */
export type ParsedLine =
  | { readonly _tag: "Event"; readonly event: OpencodeEvent }
  | { readonly _tag: "UnknownEvent"; readonly type: string; readonly sessionID: string | undefined }
  | { readonly _tag: "Raw"; readonly line: string }

export const parseLine = (line: string): ParsedLine => {
  const event = decodeEvent(line)
  if (Either.isRight(event)) return { _tag: "Event", event: event.right }
  const typed = decodeTyped(line)
  if (Either.isRight(typed)) return { _tag: "UnknownEvent", type: typed.right.type, sessionID: typed.right.sessionID }
  return { _tag: "Raw", line }
}

export const sessionIdOf = (line: ParsedLine): string | undefined =>
  line._tag === "Event" ? line.event.sessionID : line._tag === "UnknownEvent" ? line.sessionID : undefined

/** A tool call that failed because opencode refused a permission rather than because the tool failed. */
export const isRejection = (event: OpencodeEvent): boolean =>
  event._tag === "tool_use" && event.part.state.status === "error" &&
  /rejected permission/i.test(event.part.state.error ?? "")

const clip = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, " ").trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

const ToolInput = Schema.Struct({
  filePath: Schema.optional(Schema.String),
  command: Schema.optional(Schema.String),
  pattern: Schema.optional(Schema.String),
  url: Schema.optional(Schema.String),
})
const decodeToolInput = Schema.decodeUnknownOption(ToolInput)

/**
 * What a tool call acted on, for the live line: the file (relative to the workspace) for write, edit and read,
 * the command for bash, the pattern for glob and grep, else opencode's own title of the call.
 */
export const toolTarget = (event: typeof ToolUse.Type): string => {
  const input = Option.getOrUndefined(decodeToolInput(event.part.state.input))
  const file = input?.filePath?.replace(/^\/workspace\//, "")
  return clip(file ?? input?.command ?? input?.pattern ?? input?.url ?? event.part.state.title ?? "", 200)
}

/** The ticket log's line for an event: readable, one line, clipped. */
export const describeLine = (
  line: ParsedLine,
): { readonly level: "debug" | "info" | "warn" | "error"; readonly message: string } => {
  if (line._tag === "Raw") return { level: "info", message: `opencode: ${clip(line.line, 400)}` }
  if (line._tag === "UnknownEvent") {
    return { level: "debug", message: `opencode event ${line.type} (not used by devvy)` }
  }
  const event = line.event
  switch (event._tag) {
    case "step_start":
      return { level: "debug", message: "agent: step started" }
    case "text":
      return { level: "info", message: `agent: ${clip(event.part.text, 400)}` }
    case "tool_use": {
      const { tool, state } = event.part
      return state.status === "error"
        ? { level: "warn", message: `tool ${tool} failed: ${clip(state.error ?? "no detail", 300)}` }
        : { level: "info", message: `tool ${tool}: ${clip(state.title ?? state.status, 300)}` }
    }
    case "step_finish": {
      const t = event.part.tokens
      return {
        level: "debug",
        message: `agent: step finished (${event.part.reason}), tokens in ${t.input} out ${t.output}` +
          ` cache read ${t.cache.read}, cost $${event.part.cost.toFixed(4)}`,
      }
    }
    case "error":
      return {
        level: "error",
        message: `model error: ${event.error.name}: ${clip(event.error.data?.message ?? "no message", 400)}`,
      }
  }
}
