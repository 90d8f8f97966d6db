import assert from "node:assert/strict"
import { Effect, Fiber, Layer, Option, Redacted, TestClock } from "effect"
import { make } from "../../../../src/services/forge/github/GitHubForge.ts"
import { it } from "../../../support/effect_test.ts"
import { forgeOver, makeFake, prPayload, repoPayload, TOKEN, user } from "./fake_github.ts"

/** The forge over a fake whose `GET /repos/octo/web/pulls/1` answers with `answers`, in order. */
const setup = (
  ...answers: Parameters<ReturnType<typeof makeFake>["on"]> extends [string, string, ...infer A] ? A : never
) =>
  Effect.gen(function* () {
    const fake = makeFake()
    fake.on("GET", "/repos/octo/web", { body: repoPayload })
    fake.on("GET", "/user", { body: user(99, "devvy-account") })
    fake.on("GET", "/repos/octo/web/pulls/1", ...answers)
    const forge = yield* forgeOver().pipe(Effect.provide(fake.layer))
    const calls = () => fake.requests.filter((r) => r.url.endsWith("/pulls/1")).length
    return { fake, forge, calls }
  })

const ok = { body: prPayload(1) }

it.effect(
  "the primary rate limit is waited out until x-ratelimit-reset, and not a moment less",
  () =>
    Effect.gen(function* () {
      // The test clock starts at 0: a reset at 600 s means ten minutes from now.
      const { forge, calls } = yield* setup({
        status: 403,
        body: { message: "API rate limit exceeded for user ID 1." },
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "600", "x-ratelimit-limit": "5000" },
      }, ok)
      const fiber = yield* Effect.fork(forge.pullRequest(1))
      yield* TestClock.adjust("600 seconds")
      assert.equal(calls(), 1, "no second request before the reset")
      assert.ok(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust("1 second")
      assert.equal((yield* Fiber.join(fiber)).number, 1)
      assert.equal(calls(), 2)
    }),
  Layer.empty,
)

it.effect("a secondary rate limit with retry-after waits exactly that long", () =>
  Effect.gen(function* () {
    const { forge, calls } = yield* setup({
      status: 403,
      body: {
        message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        documentation_url:
          "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
      },
      headers: { "retry-after": "30" },
    }, ok)
    const fiber = yield* Effect.fork(forge.pullRequest(1))
    yield* TestClock.adjust("29 seconds")
    assert.equal(calls(), 1)
    yield* TestClock.adjust("1 second")
    assert.equal((yield* Fiber.join(fiber)).number, 1)
  }), Layer.empty)

it.effect(
  "a secondary rate limit without headers waits at least a minute, then longer each time",
  () =>
    Effect.gen(function* () {
      const limited = {
        status: 403,
        body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." },
      }
      const { forge, fake } = yield* setup(limited, limited, ok)
      const fiber = yield* Effect.fork(forge.pullRequest(1))
      yield* TestClock.adjust("59 seconds")
      assert.equal(fake.requests.filter((r) => r.url.endsWith("/pulls/1")).length, 1, "never sooner than a minute")
      yield* TestClock.adjust("10 minutes")
      assert.equal((yield* Fiber.join(fiber)).number, 1)
      const at = fake.requests.filter((r) => r.url.endsWith("/pulls/1")).map((r) => r.at)
      assert.equal(at.length, 3)
      const [first, second] = [at[1] - at[0], at[2] - at[1]]
      assert.ok(first >= 60_000, `first wait ${first} ms`)
      assert.ok(second > first, `the second wait (${second} ms) backs off from the first (${first} ms)`)
    }),
  Layer.empty,
)

it.effect("server errors are retried with backoff until the call succeeds", () =>
  Effect.gen(function* () {
    const { forge, calls } = yield* setup({ status: 502, body: { message: "Server Error" } }, { status: 500 }, ok)
    const fiber = yield* Effect.fork(forge.pullRequest(1))
    yield* TestClock.adjust("1 minute")
    assert.equal((yield* Fiber.join(fiber)).number, 1)
    assert.equal(calls(), 3)
  }), Layer.empty)

it.effect(
  "a server that keeps failing gives up after bounded tries with ForgeUnavailable",
  () =>
    Effect.gen(function* () {
      const { forge, calls } = yield* setup({ status: 503, body: { message: "unavailable" } })
      const fiber = yield* Effect.fork(Effect.flip(forge.pullRequest(1)))
      yield* TestClock.adjust("1 hour")
      const error = yield* Fiber.join(fiber)
      assert.equal(error._tag, "ForgeUnavailable")
      assert.equal(calls(), 6)
    }),
  Layer.empty,
)

it.effect(
  "a 401 fails at once and says to check the token, without the token in the message",
  () =>
    Effect.gen(function* () {
      const { forge, calls } = yield* setup({ status: 401, body: { message: "Bad credentials" } })
      const error = yield* Effect.flip(forge.pullRequest(1))
      assert.equal(error._tag, "ForgeAuthFailed")
      assert.match(error.message, /authentication failed .* check the token/)
      assert.match(
        error.message,
        /DEVVY_GITHUB_TOKEN, GH_TOKEN, GITHUB_TOKEN or `gh auth login --hostname github\.com`/,
      )
      assert.ok(!error.message.includes(TOKEN))
      assert.equal(calls(), 1)
    }),
  Layer.empty,
)

it.effect(
  "a 401 from an Enterprise Server names that host's token variables, not github.com's",
  () =>
    Effect.gen(function* () {
      const fake = makeFake()
      fake.on("GET", "/api/v3/user", { status: 401, body: { message: "Bad credentials" } })
      const forge = yield* make({
        apiUrl: "https://ghe.corp.example/api/v3",
        owner: "octo",
        repo: "web",
        cloneUrl: "https://ghe.corp.example/octo/web.git",
        token: Redacted.make(TOKEN),
        trustedAssociations: ["OWNER"],
      }).pipe(Effect.provide(fake.layer))
      const error = yield* Effect.flip(forge.identity)
      assert.equal(error._tag, "ForgeAuthFailed")
      assert.match(
        error.message,
        /GH_ENTERPRISE_TOKEN, GITHUB_ENTERPRISE_TOKEN or `gh auth login --hostname ghe\.corp\.example`/,
      )
      assert.doesNotMatch(error.message, /GH_TOKEN/)
    }),
  Layer.empty,
)

it.effect("a 404 on the repository says the token may lack access to it", () =>
  Effect.gen(function* () {
    const fake = makeFake()
    fake.on("GET", "/repos/octo/web", { status: 404, body: { message: "Not Found" } })
    const forge = yield* forgeOver().pipe(Effect.provide(fake.layer))
    const error = yield* Effect.flip(forge.repository)
    assert.equal(error._tag, "ForgeNotFound")
    assert.match(error.message, /repository octo\/web not found .* token cannot see it/)
  }), Layer.empty)

it.effect("a 403 that is no rate limit is a permission problem, not retried", () =>
  Effect.gen(function* () {
    const { forge, calls } = yield* setup({
      status: 403,
      body: { message: "Resource not accessible by personal access token" },
    })
    const error = yield* Effect.flip(forge.pullRequest(1))
    assert.equal(error._tag, "ForgeRejected")
    assert.match(error.message, /Resource not accessible by personal access token.*permission/)
    assert.equal(calls(), 1)
  }), Layer.empty)

it.effect("a Link header pointing at another host is never followed with the token", () =>
  Effect.gen(function* () {
    const fake = makeFake()
    fake.on("GET", "/repos/octo/web", { body: repoPayload })
    fake.on("GET", "/repos/octo/web/pulls", {
      body: [],
      headers: { link: '<https://evil.example/steal?page=2>; rel="next"' },
    })
    const forge = yield* forgeOver().pipe(Effect.provide(fake.layer))
    const exit = yield* Effect.exit(forge.findPullRequest("agent/abc123"))
    assert.equal(exit._tag, "Failure")
    assert.ok(fake.requests.every((r) => new URL(r.url).host === "api.github.com"))
  }), Layer.empty)

it.effect("a 429 with retry-after is waited out too", () =>
  Effect.gen(function* () {
    const { forge, calls } = yield* setup({
      status: 429,
      body: { message: "Too Many Requests" },
      headers: { "retry-after": "5" },
    }, ok)
    const fiber = yield* Effect.fork(forge.pullRequest(1))
    yield* TestClock.adjust("4 seconds")
    assert.equal(calls(), 1)
    yield* TestClock.adjust("1 second")
    assert.equal((yield* Fiber.join(fiber)).number, 1)
    assert.equal(calls(), 2)
  }), Layer.empty)
