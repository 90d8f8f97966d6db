import { SqlClient } from "@effect/sql/SqlClient"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Tracer from "effect/Tracer"
import { otlpBody, tracesUrl } from "./otlp.ts"
import { type FinishedSpan, RecordedSpan } from "./RecordedSpan.ts"

/** @effect/sql traces each statement; thousands per ticket would drown the spans worth reading. */
const skipped = (span: FinishedSpan) => span.name === "sql.execute"

const flushEvery = "1 second"

/**
 * Spans stored with their ticket as they end (in batches, a second apart, and at exit), and exported over
 * OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set. Writing spans is itself untraced, or each write would
 * make another span to write.
 */
export const TicketTracingLive: Layer.Layer<never, never, SqlClient> = Layer.unwrapScoped(
  Effect.gen(function* () {
    const sql = yield* SqlClient
    const endpoint = yield* Config.option(Config.string("OTEL_EXPORTER_OTLP_ENDPOINT")).pipe(Effect.orDie)
    let pending: Array<FinishedSpan> = []
    const tickets = new Map<string, string>()

    const hooks = {
      onTicket: (spanId: string, ticketId: string) => void tickets.set(spanId, ticketId),
      onEnd: (finished: FinishedSpan) => {
        tickets.delete(finished.spanId)
        if (!skipped(finished)) pending.push(finished)
      },
    }
    const tracer = Tracer.make({
      span: (name, parent, context, links, startTime, kind) => {
        const inherited = parent._tag === "Some" ? tickets.get(parent.value.spanId) : undefined
        const span = new RecordedSpan(name, parent, context, links, startTime, kind, inherited, hooks)
        if (inherited !== undefined) tickets.set(span.spanId, inherited)
        return span
      },
      context: (f) => f(),
    })

    const store = (spans: ReadonlyArray<FinishedSpan>) =>
      sql.withTransaction(Effect.forEach(spans, (span) =>
        sql`INSERT OR REPLACE INTO spans ${
          sql.insert({
            span_id: span.spanId,
            trace_id: span.traceId,
            parent_span_id: span.parentSpanId ?? null,
            ticket_id: span.ticketId ?? null,
            name: span.name,
            start_us: Number(span.startNs / 1000n),
            end_us: Number(span.endNs / 1000n),
            status: span.ok ? "ok" : `error: ${span.error ?? ""}`,
            attributes: JSON.stringify(span.attributes),
          })
        }`, { discard: true }))

    const exportOtlp = (spans: ReadonlyArray<FinishedSpan>) =>
      Option.match(endpoint, {
        onNone: () => Effect.void,
        onSome: (url) =>
          Effect.tryPromise(() =>
            fetch(tracesUrl(url), {
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify(otlpBody(spans)),
            }).then((response) => response.body?.cancel())
          ).pipe(Effect.timeout("5 seconds"), Effect.ignore),
      })

    const flush = Effect.suspend(() => {
      if (pending.length === 0) return Effect.void
      const batch = pending
      pending = []
      return Effect.all([store(batch).pipe(Effect.ignore), exportOtlp(batch)], { concurrency: 2, discard: true })
    }).pipe(Effect.withTracerEnabled(false))

    yield* flush.pipe(Effect.repeat(Schedule.spaced(flushEvery)), Effect.forkScoped)
    yield* Effect.addFinalizer(() => flush)
    return Layer.setTracer(tracer)
  }),
)
