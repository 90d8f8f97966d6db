import assert from "node:assert/strict"
import { type Context, Effect, type Exit, type Option, Tracer } from "effect"
import { it } from "../../../support/effect_test.ts"
import { HttpLive, newPullRequest, PAT, setup } from "./fixture.ts"

interface Recorded {
  readonly name: string
  readonly attributes: Map<string, unknown>
}

/** Keeps every span with its attributes, as the stored traces and an OTLP exporter would see them. */
const recordingTracer = (spans: Array<Recorded>) =>
  Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const attributes = new Map<string, unknown>()
      spans.push({ name, attributes })
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: crypto.randomUUID(),
        traceId: parent._tag === "Some" ? parent.value.traceId : crypto.randomUUID(),
        parent: parent as Option.Option<Tracer.AnySpan>,
        context: context as Context.Context<never>,
        status: { _tag: "Started", startTime },
        attributes,
        links: Array.from(links),
        sampled: true,
        kind,
        end: (_endTime: bigint, _exit: Exit.Exit<unknown, unknown>) => {},
        attribute: (key, value) => void attributes.set(key, value),
        event: () => {},
        addLinks: () => {},
      }
      return span
    },
    context: (f) => f(),
  })

it.live(
  "forge calls are traced by method and HTTP request, with the Authorization header redacted",
  () =>
    Effect.gen(function* () {
      const spans: Array<Recorded> = []
      yield* Effect.gen(function* () {
        const { forge } = yield* setup()
        const pr = yield* forge.createPullRequest(newPullRequest)
        yield* forge.threads(pr.number)
      }).pipe(Effect.withTracer(recordingTracer(spans)))

      const names = spans.map((s) => s.name)
      for (const name of ["Ado.createPullRequest", "Ado.findPullRequest", "Ado.repository", "Ado.threads"]) {
        assert.ok(names.includes(name), `a span named ${name}`)
      }
      const http = spans.filter((s) => s.name.startsWith("http.client"))
      assert.ok(http.length >= 4, "each request has its span")
      assert.ok(http.every((s) => s.attributes.has("http.response.status_code")))
      const authorization = http.map((s) => s.attributes.get("http.request.header.authorization"))
      assert.ok(
        authorization.length > 0 && authorization.every((value) => String(value) === "<redacted>"),
        String(authorization),
      )
      const everything = JSON.stringify(spans.map((s) => [s.name, [...s.attributes.entries()].map(String)]))
      assert.ok(!everything.includes(PAT) && !everything.includes(btoa(":" + PAT)), "the PAT appears in no span")
    }),
  HttpLive,
)
