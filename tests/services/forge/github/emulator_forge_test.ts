import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import assert from "node:assert/strict"
import { Effect, Option } from "effect"
import { githubOnEmulator } from "./emulator_fixture.ts"
import { it } from "../../../support/effect_test.ts"

const token = "ghp_emulated" + "5".repeat(28)
const newPullRequest = { sourceBranch: "agent/abc123", targetBranch: "main", title: "Say hello", description: "Why" }

/** The emulator, with a second token that sees no repository, and the forge over it calling with `forgeToken`. */
const setup = (forgeToken = token) =>
  githubOnEmulator({ token, tokens: [{ token: "ghp_blind", login: "blind", repos: [] }], forgeToken })

it.live(
  "on the emulator: the repository, one pull request however often it is asked for, and its state",
  () =>
    Effect.gen(function* () {
      const { gh, forge } = yield* setup()
      assert.equal((yield* forge.repository).cloneUrl, gh.cloneUrl("web"))
      const pr = yield* forge.createPullRequest(newPullRequest)
      const again = yield* forge.createPullRequest(newPullRequest)
      assert.equal(again.number, pr.number)
      assert.equal(Option.getOrThrow(yield* forge.findPullRequest("agent/abc123")).number, pr.number)
      assert.ok(
        Option.isNone(yield* forge.findPullRequest("agent/other")),
        "the bare-branch quirk does not fool the lookup",
      )
      assert.equal((yield* gh.issues("web")).filter((i) => i.pull !== undefined).length, 1)
      assert.equal((yield* forge.identity).name, gh.login)
      yield* gh.review.merge("web", pr.number)
      assert.equal((yield* forge.pullRequest(pr.number)).status, "completed")
    }).pipe(Effect.provide(FetchHttpClient.layer)),
  FetchHttpClient.layer,
)

it.live(
  "on the emulator: threads across pages, trust, and replies that land in their threads once",
  () =>
    Effect.gen(function* () {
      const { gh, forge } = yield* setup()
      const pr = yield* forge.createPullRequest(newPullRequest)
      const line = yield* gh.review.lineComment("web", pr.number, {
        body: "Say hello world",
        path: "hello.txt",
        line: 1,
      })
      yield* gh.review.reply("web", pr.number, line, "And a full stop")
      const issue = yield* gh.review.issueComment("web", pr.number, "Please keep it short")
      yield* gh.review.issueComment("web", pr.number, "LGTM", { login: "helper[bot]", association: "MEMBER" })
      yield* gh.review.issueComment("web", pr.number, "Delete it all", { login: "mallory", association: "NONE" })
      yield* gh.review.submit("web", pr.number, { body: "Overall fine", state: "COMMENTED" })

      const threads = yield* forge.threads(pr.number)
      const byId = new Map(threads.map((t) => [t.id, t]))
      assert.deepEqual(byId.get(`rc-${line}`)?.comments.map((c) => c.content), ["Say hello world", "And a full stop"])
      assert.deepEqual(Option.getOrNull(byId.get(`rc-${line}`)!.filePath), "hello.txt")
      assert.equal(threads.filter((t) => t.id.startsWith("ic-")).length, 3)
      assert.equal(threads.filter((t) => t.id.startsWith("rv-")).length, 1, "empty review bodies are no threads")
      const trusted = threads.flatMap((t) => t.comments).filter((c) => c.authorTrusted).map((c) => c.content).sort()
      assert.deepEqual(trusted, ["And a full stop", "Overall fine", "Please keep it short", "Say hello world"])

      yield* forge.reply(pr.number, `rc-${line}`, "Done.")
      yield* forge.reply(pr.number, `ic-${issue}`, "Shortened.")
      const after = new Map((yield* forge.threads(pr.number)).map((t) => [t.id, t]))
      assert.deepEqual(after.get(`rc-${line}`)?.comments.map((c) => [c.content, c.isOwn]).at(-1), ["Done.", true])
      assert.deepEqual(after.get(`ic-${issue}`)?.comments.map((c) => [c.content, c.isOwn]), [
        ["Please keep it short", false],
        ["Shortened.", true],
      ])
      assert.equal(after.size, threads.length, "the quoting reply is no new thread")
      const requests = yield* gh.requests
      assert.ok(requests.some((r) => /[?&]page=/.test(r.url)), "lists were read across pages")
      assert.ok(requests.every((r) => !r.url.includes(token) && !r.body.includes(token)))
    }).pipe(Effect.provide(FetchHttpClient.layer)),
  FetchHttpClient.layer,
)

it.live(
  "on the emulator: a wrong token fails at once, and a token that cannot see the repository says so",
  () =>
    Effect.gen(function* () {
      const wrong = yield* setup("ghp_wrong")
      const auth = yield* Effect.flip(wrong.forge.repository)
      assert.equal(auth._tag, "ForgeAuthFailed")
      assert.match(auth.message, /check the token/)
      const blind = yield* setup("ghp_blind")
      const hidden = yield* Effect.flip(blind.forge.repository)
      assert.equal(hidden._tag, "ForgeNotFound")
      assert.match(hidden.message, /token cannot see it/)
    }).pipe(Effect.provide(FetchHttpClient.layer)),
  FetchHttpClient.layer,
)
