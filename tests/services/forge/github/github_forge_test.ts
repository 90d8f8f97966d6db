import assert from "node:assert/strict"
import { Effect, Layer, Option, Redacted } from "effect"
import { it } from "../../../support/effect_test.ts"
import { type RecordedSpan, recordingTracer } from "../../../support/recording_tracer.ts"
import { makeFake, prPayload, repoPayload, TOKEN, user } from "./fake_github.ts"
import { forgeOver } from "./fake_github.ts"

const newPullRequest = {
  sourceBranch: "agent/abc123",
  targetBranch: "main",
  title: "Add the thing",
  description: "Why",
}

const withForge = <A, E>(
  script: (fake: ReturnType<typeof makeFake>) => void,
  body: (
    forge: Effect.Effect.Success<ReturnType<typeof forgeOver>>,
    fake: ReturnType<typeof makeFake>,
  ) => Effect.Effect<A, E>,
) => {
  const fake = makeFake()
  fake.on("GET", "/repos/octo/web", { body: repoPayload })
  fake.on("GET", "/user", { body: user(99, "devvy-account") })
  script(fake)
  return Effect.flatMap(forgeOver(), (forge) => body(forge, fake)).pipe(Effect.provide(fake.layer))
}

it.effect(
  "every request carries the bearer token, API version, JSON accept and a User-Agent",
  () =>
    withForge(() => {}, (forge, fake) =>
      Effect.gen(function* () {
        const repository = yield* forge.repository
        assert.equal(repository.defaultBranch, "main")
        assert.equal(repository.cloneUrl, "https://github.com/octo/web.git")
        const [request] = fake.requests
        assert.equal(request.url, "https://api.github.com/repos/octo/web")
        assert.equal(request.headers["authorization"], `Bearer ${TOKEN}`)
        assert.equal(request.headers["x-github-api-version"], "2022-11-28")
        assert.equal(request.headers["accept"], "application/vnd.github+json")
        assert.ok((request.headers["user-agent"] ?? "") !== "")
      })),
  Layer.empty,
)

it.effect(
  "git gets basic auth of x-access-token and the token, never the token in a URL",
  () =>
    withForge(() => {}, (forge) =>
      Effect.sync(() => {
        const header = Redacted.value(Option.getOrThrow(forge.gitAuthHeader))
        const [scheme, encoded] = header.replace(/^Authorization: /, "").split(" ")
        assert.equal(scheme, "Basic")
        assert.equal(atob(encoded), `x-access-token:${TOKEN}`)
      })),
  Layer.empty,
)

it.effect("the pull request lookup filters by owner:branch, never by the bare branch", () =>
  withForge((fake) => {
    // GitHub ignores a bare head filter and lists every open PR: another branch's must not be taken for ours.
    fake.on("GET", "/repos/octo/web/pulls", {
      body: [prPayload(3, { head: { ref: "someone/else" } }), prPayload(4)],
    })
  }, (forge, fake) =>
    Effect.gen(function* () {
      const found = yield* forge.findPullRequest("agent/abc123")
      assert.equal(Option.getOrThrow(found).number, 4)
      const list = new URL(fake.requests.find((r) => r.url.includes("/pulls"))!.url)
      assert.equal(list.searchParams.get("head"), "octo:agent/abc123")
      assert.equal(list.searchParams.get("state"), "open")
    })), Layer.empty)

it.effect("creating a pull request that already exists (422) reuses the open one", () =>
  withForge((fake) => {
    fake.on("GET", "/repos/octo/web/pulls", { body: [] }, { body: [prPayload(12)] })
    fake.on("POST", "/repos/octo/web/pulls", {
      status: 422,
      body: {
        message: "Validation Failed",
        errors: [{
          resource: "PullRequest",
          code: "custom",
          message: "A pull request already exists for octo:agent/abc123.",
        }],
        documentation_url: "https://docs.github.com/rest/reference/pulls#create-a-pull-request",
      },
    })
  }, (forge, fake) =>
    Effect.gen(function* () {
      const pr = yield* forge.createPullRequest(newPullRequest)
      assert.equal(pr.number, 12)
      assert.equal(fake.requests.filter((r) => r.method === "POST").length, 1)
    })), Layer.empty)

it.effect("a new pull request is created from the branch to the base with the body", () =>
  withForge((fake) => {
    fake.on("GET", "/repos/octo/web/pulls", { body: [] })
    fake.on("POST", "/repos/octo/web/pulls", { status: 201, body: prPayload(13) })
  }, (forge, fake) =>
    Effect.gen(function* () {
      const pr = yield* forge.createPullRequest(newPullRequest)
      assert.deepEqual([pr.number, pr.url, pr.status], [13, "https://github.com/octo/web/pull/13", "active"])
      const post = fake.requests.find((r) => r.method === "POST")!
      assert.deepEqual(JSON.parse(post.body), {
        title: "Add the thing",
        head: "agent/abc123",
        base: "main",
        body: "Why",
      })
    })), Layer.empty)

it.effect("another 422 (no commits between the branches) is a rejection that says why", () =>
  withForge((fake) => {
    fake.on("GET", "/repos/octo/web/pulls", { body: [] })
    fake.on("POST", "/repos/octo/web/pulls", {
      status: 422,
      body: {
        message: "Validation Failed",
        errors: [{ resource: "PullRequest", code: "custom", message: "No commits between main and agent/abc123" }],
      },
    })
  }, (forge) =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(forge.createPullRequest(newPullRequest))
      assert.equal(error._tag, "ForgeRejected")
      assert.match(error.message, /No commits between main and agent\/abc123/)
    })), Layer.empty)

it.effect(
  "a merged pull request is completed, a closed unmerged one abandoned, an open one active",
  () =>
    withForge((fake) => {
      fake.on("GET", "/repos/octo/web/pulls/1", {
        body: prPayload(1, { state: "closed", merged: true, merged_at: "2026-01-01T00:00:00Z" }),
      })
      fake.on("GET", "/repos/octo/web/pulls/2", {
        body: prPayload(2, { state: "closed", merged: false, merged_at: null }),
      })
      fake.on("GET", "/repos/octo/web/pulls/3", { body: prPayload(3) })
    }, (forge) =>
      Effect.gen(function* () {
        const statuses = yield* Effect.forEach([1, 2, 3], (n) => Effect.map(forge.pullRequest(n), (pr) => pr.status))
        assert.deepEqual(statuses, ["completed", "abandoned", "active"])
      })),
  Layer.empty,
)

it.effect("a review thread is answered on the replies endpoint of its first comment", () =>
  withForge((fake) => {
    fake.on("POST", "/repos/octo/web/pulls/4/comments/100/replies", {
      status: 201,
      body: {
        id: 150,
        in_reply_to_id: 100,
        body: "Done",
        created_at: "2026-01-01T00:00:00Z",
        user: user(99, "devvy-account"),
        author_association: "MEMBER",
      },
    })
  }, (forge, fake) =>
    Effect.gen(function* () {
      assert.equal(yield* forge.reply(4, "rc-100", "Done"), "150")
      assert.deepEqual(JSON.parse(fake.requests.at(-1)!.body), { body: "Done" })
    })), Layer.empty)

it.effect("an issue comment is answered by a new issue comment quoting it", () =>
  withForge((fake) => {
    fake.on("GET", "/repos/octo/web/issues/comments/55", {
      body: {
        id: 55,
        body: "Please rename it",
        created_at: "2026-01-01T00:00:00Z",
        user: user(1, "alice"),
        author_association: "MEMBER",
      },
    })
    fake.on("POST", "/repos/octo/web/issues/4/comments", {
      status: 201,
      body: {
        id: 56,
        body: "x",
        created_at: "2026-01-01T00:00:00Z",
        user: user(99, "devvy-account"),
        author_association: "MEMBER",
      },
    })
  }, (forge, fake) =>
    Effect.gen(function* () {
      assert.equal(yield* forge.reply(4, "ic-55", "Renamed."), "56")
      const posted = JSON.parse(fake.requests.at(-1)!.body).body as string
      assert.match(posted, /> @alice wrote:\n> Please rename it\n\nRenamed\.$/)
    })), Layer.empty)

it.effect("a reply whose answer was lost is found on the forge, not posted twice", () =>
  withForge((fake) => {
    const mine = {
      id: 150,
      in_reply_to_id: 100,
      path: "a.ts",
      line: 1,
      body: "Done",
      created_at: "2026-01-01T00:01:00Z",
      user: user(99, "devvy-account"),
      author_association: "MEMBER",
    }
    fake.on("POST", "/repos/octo/web/pulls/4/comments/100/replies", { status: 502, body: { message: "Bad Gateway" } })
    fake.on("GET", "/repos/octo/web/pulls/4/comments", {
      body: [{ ...mine, id: 100, in_reply_to_id: undefined, body: "Fix", user: user(1, "alice") }, mine],
    })
    fake.on("GET", "/repos/octo/web/issues/4/comments", { body: [] })
    fake.on("GET", "/repos/octo/web/pulls/4/reviews", { body: [] })
  }, (forge, fake) =>
    Effect.gen(function* () {
      assert.equal(yield* forge.reply(4, "rc-100", "Done"), "150")
      assert.equal(fake.requests.filter((r) => r.method === "POST").length, 1, "a 502 on a POST is not retried blindly")
    })), Layer.empty)

it.effect("threads read every page of review comments, issue comments and reviews", () =>
  withForge((fake) => {
    const next = (path: string) => ({
      link: `<https://api.github.com${path}>; rel="next", <https://api.github.com${path}>; rel="last"`,
    })
    const comment = (id: number, extra: Record<string, unknown> = {}) => ({
      id,
      path: "a.ts",
      line: id,
      body: `c${id}`,
      created_at: "2026-01-01T00:00:00Z",
      user: user(1, "alice"),
      author_association: "MEMBER",
      ...extra,
    })
    fake.on("GET", "/repos/octo/web/pulls/4/comments?per_page=100", {
      body: [comment(1)],
      headers: next("/repositories/7/pulls/4/comments?per_page=100&page=2"),
    })
    fake.on("GET", "/repositories/7/pulls/4/comments?per_page=100&page=2", {
      body: [comment(2, { in_reply_to_id: 1 })],
    })
    fake.on("GET", "/repos/octo/web/issues/4/comments", {
      body: [{
        id: 9,
        body: "hello",
        created_at: "2026-01-01T00:00:00Z",
        user: user(1, "alice"),
        author_association: "OWNER",
      }],
    })
    fake.on("GET", "/repos/octo/web/pulls/4/reviews", { status: 204 })
  }, (forge, fake) =>
    Effect.gen(function* () {
      const threads = yield* forge.threads(4)
      assert.deepEqual(threads.map((t) => [t.id, t.comments.length]), [["rc-1", 2], ["ic-9", 1]])
      assert.ok(
        fake.requests.some((r) => r.url.endsWith("/repositories/7/pulls/4/comments?per_page=100&page=2")),
        "the Link URL is followed as given",
      )
    })), Layer.empty)

it.effect("the own identity comes from GET /user and marks devvy's comments", () =>
  withForge((fake) => {
    fake.on("GET", "/repos/octo/web/pulls/4/comments", { body: [] })
    fake.on("GET", "/repos/octo/web/issues/4/comments", {
      body: [{
        id: 9,
        body: "hi",
        created_at: "2026-01-01T00:00:00Z",
        user: user(99, "devvy-account"),
        author_association: "MEMBER",
      }],
    })
    fake.on("GET", "/repos/octo/web/pulls/4/reviews", { body: [] })
  }, (forge) =>
    Effect.gen(function* () {
      assert.equal((yield* forge.identity).name, "devvy-account")
      const [thread] = yield* forge.threads(4)
      assert.equal(thread.comments[0].isOwn, true)
    })), Layer.empty)

it.effect("each request has its span, with the status and without the token anywhere", () => {
  const spans: Array<RecordedSpan> = []
  return withForge((fake) => {
    fake.on("GET", "/repos/octo/web/pulls", { body: [prPayload(4)] })
  }, (forge) =>
    Effect.gen(function* () {
      yield* forge.findPullRequest("agent/abc123").pipe(Effect.withTracer(recordingTracer(spans)))
      const names = spans.map((s) => s.name)
      assert.ok(names.includes("GitHub.findPullRequest"))
      const http = spans.filter((s) => s.name.startsWith("http.client"))
      assert.equal(http.length, 2, "the repository and the pull request list")
      assert.ok(http.every((s) => s.attributes.get("http.response.status_code") === 200))
      const everything = JSON.stringify(spans.map((s) => [s.name, [...s.attributes.entries()].map(String)]))
      assert.ok(!everything.includes(TOKEN) && !everything.includes(btoa(`x-access-token:${TOKEN}`)))
    }))
}, Layer.empty)
