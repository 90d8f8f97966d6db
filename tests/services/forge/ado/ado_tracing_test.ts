import assert from "node:assert/strict"
import { Effect } from "effect"
import { it } from "../../../support/effect_test.ts"
import { type RecordedSpan, recordingTracer } from "../../../support/recording_tracer.ts"
import { HttpLive, newPullRequest, PAT, setup } from "./fixture.ts"

it.live(
  "forge calls are traced by method and HTTP request, with the Authorization header redacted",
  () =>
    Effect.gen(function* () {
      const spans: Array<RecordedSpan> = []
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
