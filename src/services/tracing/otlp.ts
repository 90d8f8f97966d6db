import type { FinishedSpan } from "./RecordedSpan.ts"

const kinds = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const

const value = (v: string | number | boolean) =>
  typeof v === "string"
    ? { stringValue: v }
    : typeof v === "boolean"
    ? { boolValue: v }
    : Number.isInteger(v)
    ? { intValue: String(v) }
    : { doubleValue: v }

/** The OTLP/HTTP JSON body (`POST {endpoint}/v1/traces`) for a batch of spans. */
export const otlpBody = (spans: ReadonlyArray<FinishedSpan>) => ({
  resourceSpans: [{
    resource: { attributes: [{ key: "service.name", value: { stringValue: "devvy" } }] },
    scopeSpans: [{
      scope: { name: "devvy" },
      spans: spans.map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        ...(span.parentSpanId === undefined ? {} : { parentSpanId: span.parentSpanId }),
        name: span.name,
        kind: kinds[span.kind],
        startTimeUnixNano: String(span.startNs),
        endTimeUnixNano: String(span.endNs),
        attributes: Object.entries(span.attributes).map(([key, v]) => ({ key, value: value(v) })),
        status: span.ok ? { code: 1 } : { code: 2, message: span.error ?? "error" },
      })),
    }],
  }],
})

/** Where spans go: the endpoint's traces path, as the OpenTelemetry exporters resolve it. */
export const tracesUrl = (endpoint: string): string => `${endpoint.replace(/\/+$/, "")}/v1/traces`
