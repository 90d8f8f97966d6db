import assert from "node:assert/strict"
import { Effect, Option, Redacted } from "effect"
import { make } from "../../../../src/services/forge/ado/AdoForge.ts"
import { it } from "../../../support/effect_test.ts"
import { HttpLive, newPullRequest, PAT, setup } from "./fixture.ts"

it.live(
  "identity is the PAT's owner, read from connectionData with the preview api-version",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const identity = yield* forge.identity
      assert.equal(identity.id, emulator.owner.id)
      assert.equal(identity.name, emulator.owner.displayName)
      const [request] = yield* emulator.requests
      assert.match(request.path, /\/_apis\/connectionData\?api-version=7\.1-preview\.1$/)
    }),
  HttpLive,
)

it.live(
  "every request carries the Basic PAT header, JSON accept and the sign-in page suppression",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      yield* forge.repository
      const [request] = yield* emulator.requests
      assert.equal(request.headers["authorization"], `Basic ${btoa(":" + PAT)}`)
      assert.equal(request.headers["accept"], "application/json")
      assert.equal(request.headers["x-tfs-fedauthredirect"], "Suppress")
      assert.match(request.path, /api-version=7\.1$/)
    }),
  HttpLive,
)

it.live(
  "repository gives the name, the default branch without refs/heads/, and clone and web URLs",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const repo = yield* forge.repository
      assert.equal(repo.name, "web")
      assert.equal(repo.defaultBranch, "main")
      assert.equal(repo.cloneUrl, emulator.repoUrl("web"))
      assert.equal(repo.webUrl, emulator.repoUrl("web"))
    }),
  HttpLive,
)

it.live("an empty repository is reported as having no default branch", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    yield* emulator.seedRepo("empty")
    const emptyForge = yield* make({
      orgUrl: emulator.orgUrl,
      project: "My Project",
      repo: "empty",
      pat: Redacted.make(PAT),
    })
    const error = yield* Effect.flip(emptyForge.repository)
    assert.equal(error._tag, "ForgeNotFound")
    assert.match(error.message, /no commits yet/)
    assert.equal((yield* forge.repository).name, "web")
  }), HttpLive)

it.live(
  "a pull request is created, then found by its branch and fetched by number, with its web URL",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      assert.ok(Option.isNone(yield* forge.findPullRequest("agent/abc123")))
      const created = yield* forge.createPullRequest(newPullRequest)
      assert.equal(created.status, "active")
      assert.equal(created.sourceBranch, "agent/abc123")
      assert.equal(created.targetBranch, "main")
      assert.equal(created.title, "Add the thing")
      assert.equal(created.url, `${emulator.repoUrl("web")}/pullrequest/${created.number}`)
      const found = yield* forge.findPullRequest("agent/abc123")
      assert.deepEqual(Option.map(found, (pr) => pr.number), Option.some(created.number))
      assert.deepEqual(yield* forge.pullRequest(created.number), created)
      const create = (yield* emulator.requests).find((r) => r.method === "POST")
      assert.equal(create?.status, 201)
      assert.deepEqual(JSON.parse(create?.body ?? "{}"), {
        sourceRefName: "refs/heads/agent/abc123",
        targetRefName: "refs/heads/main",
        title: "Add the thing",
        description: "What and why",
      })
    }),
  HttpLive,
)

it.live("creating the same pull request twice gives one pull request", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    const first = yield* forge.createPullRequest(newPullRequest)
    const second = yield* forge.createPullRequest(newPullRequest)
    assert.equal(second.number, first.number)
    assert.equal((yield* emulator.pullRequests).length, 1)
  }), HttpLive)

it.live(
  "a create that loses the race (409 TF401179) returns the pull request that won it",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const first = yield* forge.createPullRequest(newPullRequest)
      // The next lookup misses the existing pull request, so the create goes ahead and meets the duplicate.
      yield* emulator.staleListings(1)
      const second = yield* forge.createPullRequest(newPullRequest)
      assert.equal(second.number, first.number)
      assert.ok((yield* emulator.requests).some((r) => r.method === "POST" && r.status === 409))
      assert.equal((yield* emulator.pullRequests).length, 1)
    }),
  HttpLive,
)

it.live(
  "a description over 4000 characters is cut to fit instead of failing the pull request",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      yield* forge.createPullRequest({ ...newPullRequest, description: "d".repeat(5000) })
      const [pr] = yield* emulator.pullRequests
      assert.equal(pr.description.length, 4000)
      assert.match(pr.description, /truncated\)$/)
    }),
  HttpLive,
)

it.live("a pull request from a branch that was never pushed fails as not found", () =>
  Effect.gen(function* () {
    const { forge } = yield* setup()
    const error = yield* Effect.flip(forge.createPullRequest({ ...newPullRequest, sourceBranch: "agent/ffffff" }))
    assert.equal(error._tag, "ForgeNotFound")
    assert.match(error.message, /source or target branch/)
  }), HttpLive)

it.live("completed and abandoned pull requests report their status", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    const pr = yield* forge.createPullRequest(newPullRequest)
    yield* emulator.review.complete(pr.number)
    assert.equal((yield* forge.pullRequest(pr.number)).status, "completed")
    assert.ok(Option.isNone(yield* forge.findPullRequest("agent/abc123")), "only open pull requests are found")
    yield* emulator.git("web", ["branch", "agent/def456", "main"])
    const other = yield* forge.createPullRequest({ ...newPullRequest, sourceBranch: "agent/def456" })
    yield* emulator.review.abandon(other.number)
    assert.equal((yield* forge.pullRequest(other.number)).status, "abandoned")
  }), HttpLive)

it.live("a pull request that does not exist fails as not found, naming it", () =>
  Effect.gen(function* () {
    const { forge } = yield* setup()
    const error = yield* Effect.flip(forge.pullRequest(999))
    assert.equal(error._tag, "ForgeNotFound")
    assert.match(error.message, /pull request 999/)
  }), HttpLive)

it.live(
  "threads tell reviewers' comments from devvy's own and from system threads, without deleted comments",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const pr = yield* forge.createPullRequest(newPullRequest)
      const fileThread = yield* emulator.review.comment(pr.number, { content: "Why 1?", filePath: "src/a.ts", line: 1 })
      const generalThread = yield* emulator.review.comment(pr.number, { content: "Looks good overall" })
      yield* emulator.review.reply(pr.number, fileThread, "Oops, ignore this")
      yield* emulator.review.deleteComment(pr.number, fileThread, 2)
      const replyId = yield* forge.reply(pr.number, String(fileThread), "It is the answer")
      yield* emulator.review.systemThread(pr.number, "Rita Reviewer voted 10")

      const threads = yield* forge.threads(pr.number)
      assert.equal(threads.length, 3)
      const [file, general, system] = threads
      assert.equal(file.id, String(fileThread))
      assert.equal(file.isSystem, false)
      assert.equal(file.status, "active")
      assert.deepEqual(file.filePath, Option.some("/src/a.ts"))
      assert.deepEqual(file.line, Option.some(1))
      assert.deepEqual(file.comments.map((c) => [c.id, c.content, c.isOwn]), [
        ["1", "Why 1?", false],
        ["3", "It is the answer", true],
      ])
      assert.equal(replyId, "3")
      assert.equal(file.comments[0].author.id, emulator.reviewer.id)
      assert.equal(file.comments[0].author.name, "Rita Reviewer")
      assert.ok(file.comments[0].publishedAt.getTime() > 0)
      assert.equal(general.id, String(generalThread))
      assert.ok(Option.isNone(general.filePath) && Option.isNone(general.line))
      assert.equal(general.comments[0].id, "1", "comment ids restart in every thread")
      assert.equal(system.isSystem, true)
    }),
  HttpLive,
)

it.live("a thread's status is set on the forge", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    const pr = yield* forge.createPullRequest(newPullRequest)
    const thread = yield* emulator.review.comment(pr.number, { content: "Rename this" })
    yield* forge.setThreadStatus(pr.number, String(thread), "fixed")
    const [stored] = yield* emulator.threads(pr.number)
    assert.equal(stored.status, "fixed")
    assert.equal((yield* forge.threads(pr.number))[0].status, "fixed")
  }), HttpLive)

it.live(
  "the git header is Basic base64(:PAT) on one line, and the PAT never travels in the clear",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const header = Option.map(forge.gitAuthHeader, Redacted.value)
      assert.deepEqual(header, Option.some(`Authorization: Basic ${btoa(":" + PAT)}`))
      assert.ok(Option.exists(header, (h) => !h.includes("\n") && h.length > 76 + 21))
      assert.ok(!String(forge.gitAuthHeader).includes(btoa(":" + PAT)), "the header prints redacted")
      const pr = yield* forge.createPullRequest(newPullRequest)
      yield* forge.threads(pr.number)
      for (const request of yield* emulator.requests) assert.ok(!JSON.stringify(request).includes(PAT))
    }),
  HttpLive,
)
