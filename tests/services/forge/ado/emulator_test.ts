import assert from "node:assert/strict"
import { Effect } from "effect"
import { startAdoEmulator } from "../../../support/ado_emulator/emulator.ts"
import { it } from "../../../support/effect_test.ts"
import { HttpLive, newPullRequest, PAT, setup } from "./fixture.ts"

const call = (url: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  Effect.promise(async () => {
    const response = await fetch(url, {
      method: init.method ?? "GET",
      headers: { authorization: `Basic ${btoa(":" + PAT)}`, "content-type": "application/json", ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    })
    const text = await response.text()
    return {
      status: response.status,
      type: response.headers.get("content-type") ?? "",
      text,
      headers: response.headers,
    }
  })

it.live(
  "the emulator refuses connectionData at api-version 7.1 and POSTs without an api-version, as ADO does",
  () =>
    Effect.gen(function* () {
      const emulator = yield* startAdoEmulator({ pat: PAT, repos: [{ name: "web", files: { "a.txt": "a" } }] })
      const preview = yield* call(`${emulator.orgUrl}/_apis/connectionData?api-version=7.1`)
      assert.equal(preview.status, 400)
      assert.equal(JSON.parse(preview.text).typeKey, "VssInvalidPreviewVersionException")
      const unversioned = yield* call(`${emulator.orgUrl}/proj/_apis/git/repositories/web/pullrequests`, {
        method: "POST",
        body: {},
      })
      assert.equal(unversioned.status, 400)
      assert.equal(JSON.parse(unversioned.text).typeKey, "VssVersionNotSpecifiedException")
    }),
)

it.live("the emulator's routes and names are case-insensitive", () =>
  Effect.gen(function* () {
    const emulator = yield* startAdoEmulator({ pat: PAT, repos: [{ name: "Web", files: { "a.txt": "a" } }] })
    const response = yield* call(`${emulator.baseUrl}/ORG/Proj/_APIS/Git/Repositories/WEB?api-version=7.1`)
    assert.equal(response.status, 200)
    assert.equal(JSON.parse(response.text).defaultBranch, "refs/heads/main")
  }))

it.live(
  "a bad PAT gets the HTML sign-in page in sign-in mode unless the client suppresses it",
  () =>
    Effect.gen(function* () {
      const emulator = yield* startAdoEmulator({ pat: PAT, signInPage: true })
      const url = `${emulator.orgUrl}/_apis/connectionData?api-version=7.1-preview.1`
      const page = yield* call(url, { headers: { authorization: "Basic " + btoa(":wrong") } })
      assert.equal(page.status, 203)
      assert.match(page.type, /text\/html/)
      const suppressed = yield* call(url, {
        headers: { authorization: "Basic " + btoa(":wrong"), "x-tfs-fedauthredirect": "Suppress" },
      })
      assert.equal(suppressed.status, 401)
    }),
)

it.live(
  "pull-request lists cut descriptions to 400 characters while the single GET gives all of it",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const pr = yield* forge.createPullRequest({ ...newPullRequest, description: "x".repeat(1000) })
      const repoApi = `${emulator.orgUrl}/My%20Project/_apis/git/repositories/web`
      const listed = yield* call(`${repoApi}/pullrequests?api-version=7.1`)
      assert.equal(JSON.parse(listed.text).value[0].description.length, 400)
      const single = yield* call(`${repoApi}/pullRequests/${pr.number}?api-version=7.1`)
      assert.equal(JSON.parse(single.text).description.length, 1000)
    }),
  HttpLive,
)

it.live("work items serve their description as HTML and leave empty fields out", () =>
  Effect.gen(function* () {
    const emulator = yield* startAdoEmulator({ pat: PAT })
    const full = yield* emulator.addWorkItem({ title: "Fix login", description: "<div>Steps</div>" })
    const bare = yield* emulator.addWorkItem({ title: "No text" })
    const api = `${emulator.orgUrl}/proj/_apis/wit/workitems`
    const fields = (text: string) => JSON.parse(text).fields
    assert.equal(fields((yield* call(`${api}/${full}?api-version=7.1`)).text)["System.Description"], "<div>Steps</div>")
    assert.ok(!("System.Description" in fields((yield* call(`${api}/${bare}?api-version=7.1`)).text)))
    assert.equal((yield* call(`${api}/999?api-version=7.1`)).status, 404)
  }))

it.live(
  "a Retry-After on a successful answer delays nothing: the call succeeds with one request",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      yield* emulator.injectFault({ status: 200, retryAfterSeconds: 30 })
      const started = Date.now()
      assert.equal((yield* forge.identity).id, emulator.owner.id)
      assert.ok(Date.now() - started < 5000)
      const requests = yield* emulator.requests
      assert.deepEqual(requests.map((r) => r.status), [200])
    }),
  HttpLive,
)
