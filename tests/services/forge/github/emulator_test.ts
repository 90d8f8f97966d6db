import assert from "node:assert/strict"
import * as path from "node:path"
import { Effect } from "effect"
import { it } from "../../../support/effect_test.ts"
import { makeTempDir } from "../../../support/temp_home.ts"
import { startGithubEmulator } from "../../../support/github_emulator/emulator.ts"
import { call, localRepo, nextLink } from "../../../support/github_emulator/client.ts"

const TOKEN = "ghp_" + "e".repeat(32) + "secret"

/** An emulator whose repository `acme/web` has branches `feature/a` and `feature/b` ahead of main. */
const setup = (options: { readonly maxPageSize?: number } = {}) =>
  Effect.gen(function* () {
    const dir = yield* makeTempDir()
    const from = yield* localRepo(path.join(dir, "web"), { "README.md": "hello\n" }, {
      "feature/a": { "a.txt": "a\n" },
      "feature/b": { "b.txt": "b\n" },
      "feature/c": { "c.txt": "c\n" },
    })
    const emulator = yield* startGithubEmulator({
      token: TOKEN,
      tokens: [{ token: "ghp_other", login: "outsider", repos: [] }],
      repos: [{ name: "web", from }],
      ...options,
    })
    const repoApi = `${emulator.apiUrl}/repos/acme/web`
    const openPull = (head: string) =>
      call(`${repoApi}/pulls`, { token: TOKEN, method: "POST", body: { title: head, head, base: "main" } })
    return { emulator, repoApi, openPull }
  })

it.live(
  "the API refuses a missing User-Agent with 403, a wrong token with 401 and hides unseen repositories",
  () =>
    Effect.gen(function* () {
      const { emulator, repoApi } = yield* setup()
      const noAgent = yield* call(`${emulator.apiUrl}/user`, { token: TOKEN, headers: { "user-agent": "" } })
      assert.equal(noAgent.status, 403)
      assert.match(noAgent.text, /User-Agent/)
      const wrong = yield* call(`${emulator.apiUrl}/user`, { token: "ghp_wrong" })
      assert.equal(wrong.status, 401)
      assert.equal((wrong.body as { message: string }).message, "Bad credentials")
      const tokenScheme = yield* call(`${emulator.apiUrl}/user`, { headers: { authorization: `token ${TOKEN}` } })
      assert.equal((tokenScheme.body as { login: string }).login, "devvy-bot")
      assert.equal((yield* call(repoApi, { token: "ghp_other" })).status, 404)
      assert.equal((yield* call(repoApi)).status, 404, "a private repository is a 404 without credentials")
      const repo = (yield* call(repoApi, { token: TOKEN })).body as Record<string, unknown>
      assert.equal(repo.default_branch, "main")
      assert.equal(repo.clone_url, emulator.cloneUrl("web"))
      assert.equal(repo.private, true)
    }),
)

it.live(
  "a bare-branch head filter is ignored while owner:branch filters, and list items have no merged",
  () =>
    Effect.gen(function* () {
      const { repoApi, openPull } = yield* setup({ maxPageSize: 100 })
      assert.equal((yield* openPull("feature/a")).status, 201)
      assert.equal((yield* openPull("acme:feature/b")).status, 201)
      const bare = yield* call(`${repoApi}/pulls?head=feature/a`, { token: TOKEN })
      assert.equal((bare.body as Array<unknown>).length, 2, "the bare branch matched every open pull request")
      const owned = (yield* call(`${repoApi}/pulls?head=acme:feature/a`, { token: TOKEN })).body as Array<
        Record<string, { ref: string }> & { merged?: boolean; merged_at: unknown }
      >
      assert.deepEqual(owned.map((p) => p.head.ref), ["feature/a"])
      assert.ok(!("merged" in owned[0]), "pull-request-simple has no merged field")
      assert.equal(owned[0].merged_at, null)
      const single = (yield* call(`${repoApi}/pulls/1`, { token: TOKEN })).body as Record<string, unknown>
      assert.equal(single.merged, false)
      assert.equal(single.mergeable, null, "the first read finds mergeability still being computed")
    }),
)

it.live(
  "a second pull request for an open head answers GitHub's 422 shape, as do missing and empty heads",
  () =>
    Effect.gen(function* () {
      const { emulator, repoApi, openPull } = yield* setup()
      assert.equal((yield* openPull("feature/a")).status, 201)
      const duplicate = yield* openPull("feature/a")
      assert.equal(duplicate.status, 422)
      assert.deepEqual(duplicate.body, {
        message: "Validation Failed",
        errors: [{
          resource: "PullRequest",
          code: "custom",
          message: "A pull request already exists for acme:feature/a.",
        }],
        documentation_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
        status: "422",
      })
      const missing = yield* openPull("feature/nope")
      assert.equal(missing.status, 422)
      assert.deepEqual((missing.body as { errors: unknown }).errors, [
        { resource: "PullRequest", field: "head", code: "invalid" },
      ])
      yield* emulator.git("web", ["branch", "empty", "main"])
      const empty = yield* openPull("empty")
      assert.match(JSON.stringify(empty.body), /No commits between main and empty/)
      yield* emulator.review.close("web", 1)
      const closed = (yield* call(`${repoApi}/pulls/1`, { token: TOKEN })).body as Record<string, unknown>
      assert.deepEqual([closed.state, closed.merged, closed.merged_at], ["closed", false, null])
      assert.equal((yield* openPull("feature/a")).status, 201, "a closed pull request does not block a new one")
      assert.equal((yield* call(`${repoApi}/pulls`, { token: TOKEN })).status, 200)
    }),
)

it.live(
  "lists page by the Link header at the configured size and following next reaches every item",
  () =>
    Effect.gen(function* () {
      const { emulator, repoApi } = yield* setup()
      for (let i = 1; i <= 5; i++) yield* emulator.createIssue("web", { title: `issue ${i}` })
      const first = yield* call(`${repoApi}/issues?per_page=100&state=open`, { token: TOKEN })
      assert.equal((first.body as Array<unknown>).length, 2, "per_page is capped at the emulator's page size")
      assert.match(first.headers.get("link") ?? "", /rel="last"/)
      const titles: Array<string> = []
      let url: string | undefined = `${repoApi}/issues?state=open`
      while (url !== undefined) {
        const page: { body: unknown; headers: Headers } = yield* call(url, { token: TOKEN })
        titles.push(...(page.body as Array<{ title: string }>).map((i) => i.title))
        url = nextLink(page.headers)
        if (url !== undefined) assert.match(url, /\/repositories\/\d+\/issues\?state=open&page=\d/)
      }
      assert.deepEqual(titles, ["issue 5", "issue 4", "issue 3", "issue 2", "issue 1"])
      const last = yield* call(`${repoApi}/issues?page=3`, { token: TOKEN })
      assert.ok(!/rel="next"/.test(last.headers.get("link") ?? ""))
    }),
)

it.live(
  "every answer carries x-ratelimit headers and injected primary and secondary limits answer as documented",
  () =>
    Effect.gen(function* () {
      const { emulator } = yield* setup()
      const user = `${emulator.apiUrl}/user`
      const ok = yield* call(user, { token: TOKEN })
      assert.equal(ok.headers.get("x-ratelimit-limit"), "5000")
      assert.equal(ok.headers.get("x-ratelimit-resource"), "core")
      const used = Number(ok.headers.get("x-ratelimit-used"))
      const again = yield* call(user, { token: TOKEN })
      assert.equal(Number(again.headers.get("x-ratelimit-used")), used + 1)
      assert.equal(Number(again.headers.get("x-ratelimit-remaining")), 5000 - used - 1)

      yield* emulator.limit({ kind: "primary", status: 429, resetInSeconds: 30 })
      const primary = yield* call(user, { token: TOKEN })
      assert.equal(primary.status, 429)
      assert.equal(primary.headers.get("x-ratelimit-remaining"), "0")
      assert.ok(Number(primary.headers.get("x-ratelimit-reset")) > Date.now() / 1000 + 20)

      yield* emulator.limit({ kind: "secondary", retryAfterSeconds: 7, times: 2 })
      for (let i = 0; i < 2; i++) {
        const secondary = yield* call(user, { token: TOKEN })
        assert.equal(secondary.status, 403)
        assert.equal(secondary.headers.get("retry-after"), "7")
        const body = secondary.body as { message: string; documentation_url: string }
        assert.match(body.message, /\bsecondary rate\b/i)
        assert.match(body.documentation_url, /secondary-rate-limits$/)
      }
      assert.equal((yield* call(user, { token: TOKEN })).status, 200, "the limit lasts only the injected requests")
    }),
)

it.live(
  "the issues list holds pull requests with a pull_request key and filters on every label given",
  () =>
    Effect.gen(function* () {
      const { emulator, repoApi, openPull } = yield* setup({ maxPageSize: 100 })
      yield* emulator.createIssue("web", { title: "Fix login", body: "Steps", labels: ["devvy", "bug"] })
      yield* emulator.createIssue("web", { title: "Docs", labels: ["docs"] })
      yield* openPull("feature/a")
      const all = (yield* call(`${repoApi}/issues`, { token: TOKEN })).body as Array<Record<string, unknown>>
      assert.deepEqual(all.map((i) => [i.number, "pull_request" in i]), [[3, true], [2, false], [1, false]])
      const labelled = (yield* call(`${repoApi}/issues?labels=devvy,bug`, { token: TOKEN })).body as Array<
        { title: string }
      >
      assert.deepEqual(labelled.map((i) => i.title), ["Fix login"])
      const docs = (yield* call(`${repoApi}/issues/2`, { token: TOKEN })).body as { body: unknown }
      assert.equal(docs.body, null, "an empty description is null")
      const commented = yield* call(`${repoApi}/issues/1/comments`, {
        token: TOKEN,
        method: "POST",
        body: { body: "On it" },
      })
      assert.equal(commented.status, 201)
      const mine = commented.body as { id: number; user: { login: string }; created_at: string }
      assert.equal(mine.user.login, "devvy-bot")
      const theirs = yield* emulator.review.issueComment("web", 1, "Also the logout", {
        login: "rita",
        association: "OWNER",
      })
      yield* emulator.review.editComment("web", theirs, "Also the logout, please")
      const one = (yield* call(`${repoApi}/issues/comments/${theirs}`, { token: TOKEN })).body as { body: string }
      assert.equal(one.body, "Also the logout, please")
      const later = new Date(Date.parse(mine.created_at) + 1000).toISOString()
      const since = (yield* call(`${repoApi}/issues/1/comments?since=${later}`, { token: TOKEN })).body as Array<
        { id: number; body: string; author_association: string }
      >
      assert.deepEqual(since.map((c) => [c.id, c.body, c.author_association]), [[
        theirs,
        "Also the logout, please",
        "OWNER",
      ]])
    }),
)
