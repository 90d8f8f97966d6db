import { SqlClient } from "@effect/sql/SqlClient"
import assert from "node:assert/strict"
import { ConfigProvider, Effect, Schema } from "effect"
import { TicketTracingLive } from "../../../src/services/tracing/TicketTracing.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { it } from "../../support/effect_test.ts"
import { TempStore } from "../../support/temp_home.ts"

const SpanRow = Schema.Struct({
  span_id: Schema.String,
  parent_span_id: Schema.NullOr(Schema.String),
  ticket_id: Schema.NullOr(Schema.String),
  name: Schema.String,
  status: Schema.String,
  attributes: Schema.String,
  start_us: Schema.Number,
  end_us: Schema.Number,
})

/** What a ticket's run looks like to the tracer: a ticket span, a state span, calls inside it. */
const tracedWork = (id: string) =>
  Effect.gen(function* () {
    yield* Effect.void.pipe(Effect.withSpan("Docker.exec", { attributes: { "exit.code": 0 } }))
    yield* Effect.fail("boom").pipe(Effect.withSpan("Forge.reply"), Effect.ignore)
  }).pipe(
    Effect.withSpan("state.PLAN", { attributes: { "devvy.state": "PLAN" } }),
    Effect.withSpan("Ticket.drive", { attributes: { "devvy.ticket": id } }),
  )

it.live("spans are stored with their ticket, their parents and their outcome", () =>
  Effect.gen(function* () {
    const { id } = yield* (yield* TicketStore).create({ title: "t", description: "", repoUrl: "/r", model: "m/m" })
    yield* tracedWork(id).pipe(Effect.provide(TicketTracingLive), Effect.scoped)
    const sql = yield* SqlClient
    const rows =
      yield* sql`SELECT span_id, parent_span_id, ticket_id, name, status, attributes, start_us, end_us FROM spans`.pipe(
        Effect.flatMap(Schema.decodeUnknown(Schema.Array(SpanRow))),
      )
    const byName = new Map(rows.map((r) => [r.name, r]))
    assert.deepEqual([...byName.keys()].sort(), ["Docker.exec", "Forge.reply", "Ticket.drive", "state.PLAN"])
    assert.ok(rows.every((r) => r.ticket_id === id), "every span is filed with the ticket")
    assert.equal(byName.get("state.PLAN")?.parent_span_id, byName.get("Ticket.drive")?.span_id)
    assert.equal(byName.get("Docker.exec")?.parent_span_id, byName.get("state.PLAN")?.span_id)
    assert.equal(byName.get("Ticket.drive")?.parent_span_id, null)
    assert.match(byName.get("Forge.reply")?.status ?? "", /^error/)
    assert.equal(byName.get("Docker.exec")?.status, "ok")
    assert.deepEqual(JSON.parse(byName.get("Docker.exec")?.attributes ?? "{}"), { "exit.code": 0 })
    const drive = byName.get("Ticket.drive")
    assert.ok(
      drive !== undefined && Math.abs(drive.start_us / 1000 - Date.now()) < 60_000,
      "times are epoch microseconds",
    )
    assert.ok(rows.every((r) => r.end_us >= r.start_us))
  }), TempStore)

it.live(
  "with OTEL_EXPORTER_OTLP_ENDPOINT set, spans are exported over OTLP/HTTP with their parent links",
  () =>
    Effect.gen(function* () {
      const received: Array<{ path: string; body: unknown }> = []
      const server = yield* Effect.acquireRelease(
        Effect.sync(() =>
          Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
            received.push({ path: new URL(request.url).pathname, body: await request.json() })
            return new Response("{}", { headers: { "content-type": "application/json" } })
          })
        ),
        (server) => Effect.promise(() => server.shutdown()),
      )
      const endpoint = `http://127.0.0.1:${server.addr.port}`
      const { id } = yield* (yield* TicketStore).create({ title: "t", description: "", repoUrl: "/r", model: "m/m" })
      yield* tracedWork(id).pipe(
        Effect.provide(TicketTracingLive),
        Effect.scoped,
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["OTEL_EXPORTER_OTLP_ENDPOINT", endpoint]]))),
      )
      assert.ok(received.length >= 1)
      assert.ok(received.every((r) => r.path === "/v1/traces"))
      const Body = Schema.Struct({
        resourceSpans: Schema.Array(Schema.Struct({
          scopeSpans: Schema.Array(Schema.Struct({
            spans: Schema.Array(Schema.Struct({
              name: Schema.String,
              spanId: Schema.String,
              traceId: Schema.String,
              parentSpanId: Schema.optional(Schema.String),
            })),
          })),
        })),
      })
      const spans = received.flatMap((r) =>
        Schema.decodeUnknownSync(Body)(r.body).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans))
      )
      const byName = new Map(spans.map((s) => [s.name, s]))
      assert.equal(byName.get("state.PLAN")?.parentSpanId, byName.get("Ticket.drive")?.spanId)
      assert.equal(byName.get("Forge.reply")?.parentSpanId, byName.get("state.PLAN")?.spanId)
      assert.equal(new Set(spans.map((s) => s.traceId)).size, 1)
      assert.match(byName.get("Ticket.drive")?.traceId ?? "", /^[0-9a-f]{32}$/)
    }),
  TempStore,
)
