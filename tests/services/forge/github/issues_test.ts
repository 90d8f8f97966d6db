import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import assert from "node:assert/strict"
import * as path from "node:path"
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect, Layer, Redacted } from "effect"
import { DevvyPaths } from "../../../../src/services/config/DevvyPaths.ts"
import { watchedIssues } from "../../../../src/services/forge/work_source.ts"
import { configFrom } from "../../../support/git_fixtures.ts"
import { type GitHubIssue, issuesOnly, makeIssues } from "../../../../src/services/forge/github/Issues.ts"
import { it } from "../../../support/effect_test.ts"
import { localRepo } from "../../../support/github_emulator/client.ts"
import { startGithubEmulator } from "../../../support/github_emulator/emulator.ts"
import { makeTempDir } from "../../../support/temp_home.ts"

const token = "ghp_emulated" + "7".repeat(28)

const setup = Effect.gen(function* () {
  const from = yield* localRepo(path.join(yield* makeTempDir(), "web"), { "hello.txt": "hello\n" }, {
    "agent/abc123": { "hello.txt": "hello world\n" },
  })
  const gh = yield* startGithubEmulator({ token, repos: [{ name: "web", from }] })
  const issues = yield* makeIssues({ apiUrl: gh.apiUrl, owner: gh.owner, repo: "web", token: Redacted.make(token) })
  return { gh, issues }
})

Deno.test("pull requests in an issues listing are left out: they carry pull_request", () => {
  const item = (number: number, pr: boolean): GitHubIssue => ({
    number,
    title: `#${number}`,
    body: null,
    html_url: `https://github.com/o/r/issues/${number}`,
    state: "open",
    ...(pr ? { pull_request: { url: `https://api.github.com/repos/o/r/pulls/${number}` } } : {}),
  })
  assert.deepEqual(issuesOnly([item(1, false), item(2, true), item(3, false)]).map((i) => i.number), [1, 3])
})

it.live("labelled issues come oldest first without the pull requests the issues API lists among them", () =>
  Effect.gen(function* () {
    const { gh, issues } = yield* setup
    const first = yield* gh.createIssue("web", { title: "First", labels: ["devvy"] })
    yield* gh.createIssue("web", { title: "Unlabelled" })
    const pr: { number: number } = yield* Effect.promise(() =>
      fetch(`${gh.apiUrl}/repos/${gh.owner}/web/pulls`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "user-agent": "test", "content-type": "application/json" },
        body: JSON.stringify({ title: "A PR", head: "agent/abc123", base: "main" }),
      }).then((r) => r.json())
    )
    assert.equal(typeof pr.number, "number", JSON.stringify(pr))
    yield* Effect.promise(() =>
      fetch(`${gh.apiUrl}/repos/${gh.owner}/web/issues/${pr.number}/labels`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "user-agent": "test", "content-type": "application/json" },
        body: JSON.stringify({ labels: ["devvy"] }),
      }).then((r) => r.json())
    )
    const second = yield* gh.createIssue("web", { title: "Second", body: "Do **this**", labels: ["DevVy"] })
    const raw: Array<{ number: number }> = yield* Effect.promise(() =>
      fetch(`${gh.apiUrl}/repos/${gh.owner}/web/issues?labels=devvy`, {
        headers: { authorization: `Bearer ${token}`, "user-agent": "test" },
      }).then((r) => r.json())
    )
    assert.ok(raw.some((i) => i.number === pr.number), "the issues API lists the pull request")
    const found = yield* issues.labelled("devvy")
    assert.deepEqual(found.map((i) => i.number), [first, second])
    assert.equal((yield* issues.read(second)).body, "Do **this**")
    const asIssue = yield* Effect.flip(issues.read(pr.number))
    assert.equal(asIssue._tag, "ForgeNotFound")
    assert.match(asIssue.message, /is a pull request/)
  }).pipe(Effect.provide(FetchHttpClient.layer)))

it.live("comments go on the issue, and devvy's own are told apart from other people's", () =>
  Effect.gen(function* () {
    const { gh, issues } = yield* setup
    const number = yield* gh.createIssue("web", { title: "T" })
    yield* gh.review.issueComment("web", number, "a person's words")
    const id = yield* issues.addComment(number, "devvy opened a pull request")
    assert.deepEqual(yield* issues.comments(number), [{ id, text: "devvy opened a pull request" }])
    assert.equal((yield* gh.issueComments("web", number)).length, 2)
  }).pipe(Effect.provide(FetchHttpClient.layer)))

it.live("watch over GitHub offers the open issues carrying github.watch_label as ticket sources, and no others", () =>
  Effect.gen(function* () {
    const { gh } = yield* setup
    const wanted = yield* gh.createIssue("web", { title: "Wanted", body: "Do it", labels: ["ship-it"] })
    yield* gh.createIssue("web", { title: "Other label", labels: ["devvy"] })
    const watched = yield* watchedIssues({ apiUrl: gh.apiUrl, owner: gh.owner, repo: "web" }).pipe(
      Effect.provide(
        Layer.mergeAll(
          configFrom({
            DEVVY_GITHUB_TOKEN: token,
            DEVVY_GITHUB_API_URL: gh.apiUrl,
            DEVVY_GITHUB_WATCH_LABEL: "ship-it",
          }),
          NodeContext.layer,
        ).pipe(Layer.provide(DevvyPaths.at("/nonexistent-devvy-home"))),
      ),
    )
    const urls = yield* watched.candidates
    assert.deepEqual(urls, [`${gh.webUrl}/${gh.owner}/web/issues/${wanted}`])
    const [item] = yield* watched.read(urls)
    assert.deepEqual(item, {
      title: "Wanted",
      description: "Do it",
      source: { forge: "github", id: String(wanted), url: urls[0] },
    })
  }).pipe(Effect.provide(FetchHttpClient.layer)))
