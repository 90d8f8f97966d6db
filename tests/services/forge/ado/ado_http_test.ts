import assert from "node:assert/strict"
import { Cause, Chunk, Effect, Exit, Fiber, Option, Redacted, TestClock } from "effect"
import { make } from "../../../../src/services/forge/ado/AdoForge.ts"
import { it } from "../../../support/effect_test.ts"
import { HttpLive, newPullRequest, setup } from "./fixture.ts"

/** Real time passes for the HTTP round trip; only the forge's sleeps run on the test clock. */
const realPause = (ms: number) => Effect.promise(() => new Promise((resolve) => setTimeout(resolve, ms)))

const untilSleeping = Effect.gen(function* () {
  for (let i = 0; i < 500; i++) {
    if (Chunk.isNonEmpty(yield* TestClock.sleeps())) return
    yield* realPause(5)
  }
  throw new Error("the forge never started waiting")
})

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected the call to fail")
  return Option.getOrThrow(Cause.failureOption(exit.cause))
}

/** Lets every retry's wait pass at once until the fiber is done. */
const driveClock = <A, E>(fiber: Fiber.RuntimeFiber<A, E>) =>
  Effect.gen(function* () {
    for (let i = 0; i < 100; i++) {
      if (Option.isSome(yield* Fiber.poll(fiber))) break
      if (Chunk.isNonEmpty(yield* TestClock.sleeps())) yield* TestClock.adjust("10 minutes")
      else yield* realPause(5)
    }
    return yield* Fiber.await(fiber)
  })

it.effect("a 429 is retried after exactly the delay its Retry-After states", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    const pr = yield* forge.createPullRequest(newPullRequest)
    yield* emulator.clearRequests
    yield* emulator.injectFault({ status: 429, retryAfterSeconds: 7, path: `/pullrequests/${pr.number}` })

    const fiber = yield* Effect.fork(forge.pullRequest(pr.number))
    yield* untilSleeping
    assert.deepEqual((yield* emulator.requests).map((r) => r.status), [429])
    yield* TestClock.adjust("6900 millis")
    yield* realPause(30)
    assert.equal((yield* emulator.requests).length, 1, "no second request before Retry-After has passed")
    assert.ok(Option.isNone(yield* Fiber.poll(fiber)))
    yield* TestClock.adjust("100 millis")
    const fetched = yield* Fiber.join(fiber)
    assert.equal(fetched.number, pr.number)
    assert.deepEqual((yield* emulator.requests).map((r) => r.status), [429, 200])
  }), HttpLive)

it.effect("server errors are retried with backoff until the call succeeds", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    yield* emulator.injectFault({ status: 500, times: 2, path: "/repositories/web" })
    yield* emulator.injectFault({ status: 503, times: 1, path: "/repositories/web" })
    const exit = yield* driveClock(yield* Effect.fork(forge.repository))
    assert.ok(Exit.isSuccess(exit) && exit.value.defaultBranch === "main")
    assert.deepEqual((yield* emulator.requests).map((r) => r.status), [500, 500, 503, 200])
  }), HttpLive)

it.effect(
  "throttling that never ends gives up after a bounded number of tries with ForgeUnavailable",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      yield* emulator.injectFault({ status: 429, retryAfterSeconds: 30, times: 1000 })
      const exit = yield* driveClock(yield* Effect.fork(forge.identity))
      assert.ok(Exit.isFailure(exit))
      const error = failureOf(exit)
      assert.equal(error._tag, "ForgeUnavailable")
      assert.match(error.message, /try again later/)
      assert.equal((yield* emulator.requests).length, 6)
    }),
  HttpLive,
)

it.effect(
  "a refused connection is retried, then reported as the forge being unavailable",
  () =>
    Effect.gen(function* () {
      const forge = yield* make({ orgUrl: "http://127.0.0.1:9/org", project: "p", repo: "r", pat: Redacted.make("x") })
      const exit = yield* driveClock(yield* Effect.fork(forge.identity))
      const error = failureOf(exit)
      assert.equal(error._tag, "ForgeUnavailable")
    }),
  HttpLive,
)

it.live(
  "a wrong PAT fails at once with the authentication error, after exactly one request",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup({ pat: "not-the-pat" })
      const error = yield* Effect.flip(forge.identity)
      assert.equal(error._tag, "ForgeAuthFailed")
      assert.match(error.message, /check the PAT/)
      assert.equal((yield* emulator.requests).length, 1)
    }),
  HttpLive,
)

it.live("the sign-in page is never served to devvy: it asks for a plain 401 instead", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup({ pat: "not-the-pat", signInPage: true })
    const error = yield* Effect.flip(forge.repository)
    assert.equal(error._tag, "ForgeAuthFailed")
    assert.deepEqual((yield* emulator.requests).map((r) => r.status), [401])
  }), HttpLive)

it.live("a 203 sign-in page is an authentication failure, not retried and not parsed", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    yield* emulator.injectFault({ status: 203 })
    const error = yield* Effect.flip(forge.identity)
    assert.equal(error._tag, "ForgeAuthFailed")
    assert.deepEqual((yield* emulator.requests).map((r) => r.status), [203])
  }), HttpLive)

it.live("a 404 is not retried", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    yield* forge.repository
    yield* emulator.clearRequests
    const error = yield* Effect.flip(forge.threads(41))
    assert.equal(error._tag, "ForgeNotFound")
    assert.equal((yield* emulator.requests).filter((r) => r.path.includes("/pullRequests/41")).length, 1)
  }), HttpLive)

it.live("a request the forge refuses fails with its status and message, not retried", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    const error = yield* Effect.flip(forge.createPullRequest({ ...newPullRequest, title: "" }))
    assert.equal(error._tag, "ForgeRejected")
    assert.ok(error._tag === "ForgeRejected" && error.status === 400)
    assert.match(error.message, /InvalidArgumentValueException/)
    assert.equal((yield* emulator.requests).filter((r) => r.method === "POST").length, 1)
  }), HttpLive)

it.effect("a reply whose answer is lost after the server posted it is not posted twice", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    const pr = yield* forge.createPullRequest(newPullRequest)
    const thread = yield* emulator.review.comment(pr.number, { content: "Rename this" })
    yield* emulator.injectFault({ status: 500, path: "/comments", afterProcessing: true })
    const exit = yield* driveClock(yield* Effect.fork(forge.reply(pr.number, String(thread), "Renamed")))
    assert.ok(Exit.isSuccess(exit))
    assert.equal(exit.value, "2")
    const [stored] = yield* emulator.threads(pr.number)
    assert.deepEqual(stored.comments.map((c) => c.content), ["Rename this", "Renamed"])
  }), HttpLive)

it.effect("a reply the server failed before posting is posted once when tried again", () =>
  Effect.gen(function* () {
    const { emulator, forge } = yield* setup()
    const pr = yield* forge.createPullRequest(newPullRequest)
    const thread = yield* emulator.review.comment(pr.number, { content: "Rename this" })
    yield* emulator.injectFault({ status: 500, path: "/comments" })
    yield* emulator.injectFault({ status: 429, retryAfterSeconds: 2, path: "/comments" })
    const exit = yield* driveClock(yield* Effect.fork(forge.reply(pr.number, String(thread), "Renamed")))
    assert.ok(Exit.isSuccess(exit))
    const [stored] = yield* emulator.threads(pr.number)
    assert.deepEqual(stored.comments.map((c) => c.content), ["Rename this", "Renamed"])
    const posts = (yield* emulator.requests).filter((r) => r.method === "POST" && r.path.includes("/comments"))
    assert.deepEqual(posts.map((r) => r.status), [500, 429, 200])
  }), HttpLive)

it.effect(
  "a reply equal to an earlier one of devvy's, in a thread the reviewer answered since, is still posted",
  () =>
    Effect.gen(function* () {
      const { emulator, forge } = yield* setup()
      const pr = yield* forge.createPullRequest(newPullRequest)
      const thread = yield* emulator.review.comment(pr.number, { content: "Rename this" })
      yield* forge.reply(pr.number, String(thread), "Done.")
      yield* emulator.review.reply(pr.number, thread, "And that one too")
      yield* emulator.injectFault({ status: 500, path: "/comments" })
      const exit = yield* driveClock(yield* Effect.fork(forge.reply(pr.number, String(thread), "Done.")))
      assert.ok(Exit.isSuccess(exit))
      const [stored] = yield* emulator.threads(pr.number)
      assert.deepEqual(stored.comments.map((c) => c.content), ["Rename this", "Done.", "And that one too", "Done."])
    }),
  HttpLive,
)
