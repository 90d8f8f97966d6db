import { Tracer } from "effect"

export interface RecordedSpan {
  readonly name: string
  readonly attributes: Map<string, unknown>
}

/** Keeps every span it is asked for, with its attributes, so a test can read what tracing would export. */
export const recordingTracer = (spans: Array<RecordedSpan>) =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const attributes = new Map<string, unknown>()
      spans.push({ name, attributes })
      let status: Tracer.SpanStatus = { _tag: "Started", startTime }
      return {
        _tag: "Span",
        name,
        spanId: crypto.randomUUID(),
        traceId: parent._tag === "Some" ? parent.value.traceId : crypto.randomUUID(),
        parent,
        context,
        get status() {
          return status
        },
        attributes,
        links,
        sampled: true,
        kind,
        end: (endTime, exit) => void (status = { _tag: "Ended", startTime, endTime, exit }),
        attribute: (key, value) => void attributes.set(key, value),
        event: () => {},
        addLinks: () => {},
      }
    },
    context: (f) => f(),
  })
