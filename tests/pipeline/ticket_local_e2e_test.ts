import assert from "node:assert/strict"
import { Effect, Option } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { driveTicket } from "../../src/pipeline/runner.ts"
import { DockerEngine } from "../../src/services/docker/DockerEngine.ts"
import { LocalPullRequests } from "../../src/services/forge/local/LocalPullRequests.ts"
import { addComment, approve } from "../../src/services/forge/local/LocalReview.ts"
import { it } from "../support/effect_test.ts"
import { gitSync } from "../support/git_fixtures.ts"
import { waitUntil } from "./support/review_driver.ts"
import { newTicket, ticketHome } from "./support/ticket_harness.ts"

const scripts = {
  "src/scripts/code-checks.sh": "test -f hello.txt\n",
  "src/scripts/run-tests.sh": "grep -q '^hello' hello.txt\n",
}

it.live(
  "a ticket on the local forge goes from RECEIVED to MERGED through one review round, leaving nothing behind",
  () =>
    Effect.gen(function* () {
      const { home, model, repo, pipeline } = yield* ticketHome({
        implement: { "hello.txt": "hello\n" },
        review: { files: { "hello.txt": "hello world\n" }, reply: "Changed it to hello world." },
      })
      const origin = repo(scripts)
      yield* Effect.gen(function* () {
        const ticket = yield* newTicket(origin, "Say hello", "Add hello.txt saying hello")
        const reviewer = Effect.gen(function* () {
          yield* waitUntil(ticket.id, (state, pr) => state === "WAIT_FOR_REVIEW" && pr !== null)
          yield* addComment(ticket.id, { content: "Please make it say hello world", filePath: "hello.txt", line: 1 })
          yield* waitUntil(ticket.id, (state) => state === "RESPOND_TO_REVIEW")
          yield* waitUntil(ticket.id, (state) => state === "WAIT_FOR_REVIEW")
          yield* approve(ticket.id)
        })
        const transitions: Array<string> = []
        yield* Effect.fork(reviewer)
        const done = yield* driveTicket(
          ticket.id,
          (t, from) => Effect.sync(() => transitions.push(`${from}→${t.state}`)),
        )
        assert.equal(done.state, "MERGED")
        assert.deepEqual(transitions, [
          "RECEIVED→PREPARE_ENV",
          "PREPARE_ENV→PLAN",
          "PLAN→IMPLEMENT",
          "IMPLEMENT→VALIDATE",
          "VALIDATE→CREATE_PR",
          "CREATE_PR→WAIT_FOR_REVIEW",
          "WAIT_FOR_REVIEW→RESPOND_TO_REVIEW",
          "RESPOND_TO_REVIEW→VALIDATE",
          "VALIDATE→WAIT_FOR_REVIEW",
          "WAIT_FOR_REVIEW→MERGED",
        ])
        // The merged default branch has the reviewed change; the reply was posted once.
        assert.equal(gitSync(origin, ["show", "main:hello.txt"]), "hello world")
        const records = yield* LocalPullRequests
        const threads = yield* records.threads(Option.getOrThrow(Option.fromNullable(done.prNumber)), "devvy")
        assert.equal(threads.length, 1)
        assert.deepEqual(threads[0].comments.map((c) => c.content), [
          "Please make it say hello world",
          "Changed it to hello world.",
        ])
        // The worker and the workspace are gone; the store keeps the ticket.
        const left = yield* (yield* DockerEngine).listContainers({ "devvy.ticket": ticket.id })
        assert.equal(left.length, 0)
        assert.equal(fs.existsSync(path.join(home, "workspaces", ticket.id)), false)
        assert.ok(model.requests.length >= 6)
      }).pipe(Effect.provide(pipeline()))
    }),
  { sanitizeOps: false, sanitizeResources: false },
)
