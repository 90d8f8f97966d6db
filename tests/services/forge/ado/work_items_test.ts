import assert from "node:assert/strict"
import { Effect, Redacted } from "effect"
import { makeWorkItems } from "../../../../src/services/forge/ado/WorkItems.ts"
import { watchCondition } from "../../../../src/services/forge/ado/wiql.ts"
import { startAdoEmulator } from "../../../support/ado_emulator/emulator.ts"
import { it } from "../../../support/effect_test.ts"
import { HttpLive, PAT } from "./fixture.ts"

const setup = Effect.gen(function* () {
  const emulator = yield* startAdoEmulator({ pat: PAT, project: "My Project" })
  const items = yield* makeWorkItems({ orgUrl: emulator.orgUrl, project: "My Project", pat: Redacted.make(PAT) })
  const api = `${emulator.orgUrl}/My%20Project/_apis/wit`
  const call = (path: string, init: { method?: string; body?: unknown; type?: string } = {}) =>
    Effect.promise(async () => {
      const response = await fetch(`${api}/${path}`, {
        method: init.method ?? "GET",
        headers: { authorization: `Basic ${btoa(":" + PAT)}`, "content-type": init.type ?? "application/json" },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      })
      const body = await response.json()
      return { status: response.status, body }
    })
  return { emulator, items, call }
})

it.live(
  "a bug reads as Markdown: description, repro steps and acceptance criteria, images as their alt text",
  () =>
    Effect.gen(function* () {
      const { emulator, items } = yield* setup
      const id = yield* emulator.addWorkItem({
        type: "Bug",
        title: " Login fails ",
        reproSteps: '<ol><li>Open <a href="https://x.test/login">login</a></li><li>Press <code>Enter</code></li></ol>' +
          '<div><img src="data:image/png;base64,AAAA" alt="the error dialog"></div>',
        acceptanceCriteria: "<ul><li>Users can log in &amp; stay in</li></ul>",
      })
      const item = yield* items.read(id)
      assert.equal(item.title, "Login fails")
      assert.equal(item.type, "Bug")
      assert.equal(
        item.description,
        "## Repro steps\n\n1. Open [login](https://x.test/login)\n2. Press `Enter`\n\nthe error dialog\n\n" +
          "## Acceptance criteria\n\n* Users can log in & stay in",
      )
    }),
  HttpLive,
)

it.live("a missing work item is ForgeNotFound naming it", () =>
  Effect.gen(function* () {
    const { items } = yield* setup
    const error = yield* Effect.flip(items.read(404))
    assert.equal(error._tag, "ForgeNotFound")
    assert.match(error.message, /work item 404 in project "My Project"/)
  }), HttpLive)

it.live(
  "WIQL finds the open items carrying the tag, in id order, and a quote in the tag is quoted",
  () =>
    Effect.gen(function* () {
      const { emulator, items } = yield* setup
      const a = yield* emulator.addWorkItem({ title: "a", tags: ["devvy", "web"] })
      yield* emulator.addWorkItem({ title: "closed", tags: ["devvy"], state: "Closed" })
      yield* emulator.addWorkItem({ title: "untagged", tags: ["devvyish"] })
      const c = yield* emulator.addWorkItem({ title: "c", tags: ["DEVVY"] })
      const quoted = yield* emulator.addWorkItem({ title: "q", tags: ["bob's"] })
      assert.deepEqual(yield* items.query(watchCondition("devvy")), [a, c])
      assert.deepEqual(yield* items.query(watchCondition("bob's")), [quoted])
      assert.deepEqual((yield* items.readMany([c, 999, a])).map((i) => i.title), ["c", "a"])
      const bad = yield* Effect.flip(items.query("[System.Title] LIKE 'x'"))
      assert.equal(bad._tag, "ForgeRejected")
    }),
  HttpLive,
)

it.live("comments are posted and listed at the preview version, devvy's own told apart", () =>
  Effect.gen(function* () {
    const { emulator, items, call } = yield* setup
    const id = yield* emulator.addWorkItem({ title: "t" })
    const commentId = yield* items.addComment(id, "Pull request opened")
    const listed = yield* items.comments(id)
    assert.deepEqual(listed, [{ id: commentId, text: "Pull request opened", isOwn: true }])
    const plain = yield* call(`workItems/${id}/comments?api-version=7.1`, { method: "POST", body: { text: "x" } })
    assert.equal(plain.status, 400)
    assert.equal(plain.body.typeKey, "VssInvalidPreviewVersionException")
    assert.equal((yield* emulator.workItem(id)).comments.length, 1)
  }), HttpLive)

it.live(
  "the emulator takes json-patch only with its content type, and refuses $expand with fields",
  () =>
    Effect.gen(function* () {
      const { emulator, call } = yield* setup
      const id = yield* emulator.addWorkItem({ title: "t" })
      const link = [{
        op: "add",
        path: "/relations/-",
        value: {
          rel: "ArtifactLink",
          url: "vstfs:///Git/PullRequestId/p%2Fr%2F1",
          attributes: { name: "Pull Request" },
        },
      }]
      const asJson = yield* call(`workitems/${id}?api-version=7.1`, { method: "PATCH", body: link })
      assert.equal(asJson.status, 415)
      const nameless = [{ ...link[0], value: { ...link[0].value, attributes: {} } }]
      const type = "application/json-patch+json"
      assert.equal(
        (yield* call(`workitems/${id}?api-version=7.1`, { method: "PATCH", body: nameless, type })).status,
        400,
      )
      const patched = yield* call(`workitems/${id}?api-version=7.1`, { method: "PATCH", body: link, type })
      assert.equal(patched.status, 200)
      assert.equal(patched.body.relations.length, 1)
      const plain = yield* call(`workitems/${id}?api-version=7.1`)
      assert.ok(!("relations" in plain.body))
      const expanded = yield* call(`workitems/${id}?api-version=7.1&$expand=relations`)
      assert.equal(expanded.body.relations[0].attributes.name, "Pull Request")
      const both = yield* call(`workitems/${id}?api-version=7.1&$expand=all&fields=System.Title`)
      assert.equal(both.status, 400)
    }),
  HttpLive,
)
