import { SqlClient } from "@effect/sql/SqlClient"
import assert from "node:assert/strict"
import { Effect, Fiber } from "effect"
import { driveTicket } from "../../src/pipeline/runner.ts"
import { startAdoEmulator } from "../support/ado_emulator/emulator.ts"
import { it } from "../support/effect_test.ts"
import { awaitReview, transitionLog, waitUntil } from "./support/review_driver.ts"
import { newTicket, ticketHome } from "./support/ticket_harness.ts"

const pat = "emulated-pat-8c1f"
const repoFiles = {
  "README.md": "# web\n",
  "src/scripts/run-tests.sh": "grep -q '^hello' hello.txt\n",
  ".azuredevops/pull_request_template.md": "## What\n\n## Why\n",
}

const options = { sanitizeOps: false, sanitizeResources: false }

it.live(
  "a ticket on Azure DevOps merges after one review round: one PR, one reply, the PAT nowhere but headers",
  () =>
    Effect.gen(function* () {
      const ado = yield* startAdoEmulator({ pat, repos: [{ name: "web", files: repoFiles }] })
      const { pipeline } = yield* ticketHome({
        implement: { "hello.txt": "hello\n" },
        review: { files: { "hello.txt": "hello world\n" }, reply: "Done: it says hello world now." },
      }, { DEVVY_ADO_PAT: pat })
      yield* Effect.gen(function* () {
        const ticket = yield* newTicket(ado.repoUrl("web"))
        const reviewer = Effect.gen(function* () {
          const pr = yield* awaitReview(ticket.id)
          yield* ado.review.systemThread(pr, "Policy check passed")
          yield* ado.review.comment(pr, { content: "Say hello world instead", filePath: "hello.txt", line: 1 })
          yield* waitUntil(ticket.id, (state) => state === "RESPOND_TO_REVIEW")
          yield* waitUntil(ticket.id, (state) => state === "WAIT_FOR_REVIEW")
          yield* ado.review.complete(pr)
        })
        yield* Effect.forkScoped(reviewer)
        const log = transitionLog()
        const done = yield* driveTicket(ticket.id, log.record)
        assert.equal(done.state, "MERGED")
        assert.ok(log.seen.includes("RESPOND_TO_REVIEW→VALIDATE"))
        const prs = yield* ado.pullRequests
        assert.equal(prs.length, 1)
        assert.equal(done.prNumber, prs[0].pullRequestId)
        assert.match(done.prUrl ?? "", new RegExp(`/_git/web/pullrequest/${prs[0].pullRequestId}$`))
        const threads = yield* ado.threads(prs[0].pullRequestId)
        const review = threads.find((t) => t.comments.some((c) => c.content === "Say hello world instead"))
        assert.deepEqual(review?.comments.map((c) => c.content), [
          "Say hello world instead",
          "Done: it says hello world now.",
        ])
        assert.equal(yield* ado.git("web", ["show", "main:hello.txt"]), "hello world")
        // The PAT travels only as the Authorization header: never in a URL or a body the forge received.
        const requests = yield* ado.requests
        assert.ok(requests.length > 0)
        assert.ok(requests.every((r) => !r.path.includes(pat) && !r.body.includes(pat)))
        const sql = yield* SqlClient
        const stored = yield* sql`SELECT * FROM tickets, logs, spans`.pipe(Effect.map((rows) => JSON.stringify(rows)))
        assert.ok(!stored.includes(pat), "the PAT is not in the store")
      }).pipe(Effect.provide(pipeline()))
    }),
  options,
)

it.live(
  "a CREATE_PR resumed after the forge created the PR but before the store recorded it reuses that PR",
  () =>
    Effect.gen(function* () {
      const ado = yield* startAdoEmulator({ pat, repos: [{ name: "web", files: repoFiles }] })
      const { pipeline } = yield* ticketHome({ implement: { "hello.txt": "hello\n" } }, { DEVVY_ADO_PAT: pat })
      yield* Effect.gen(function* () {
        const sql = yield* SqlClient
        const ticket = yield* newTicket(ado.repoUrl("web"))
        // First run: up to WAIT_FOR_REVIEW, then the driver is stopped.
        const first = yield* Effect.fork(driveTicket(ticket.id, () => Effect.void))
        const pr = yield* awaitReview(ticket.id)
        yield* Fiber.interrupt(first)
        // What a crash between the forge's 201 and the store's write leaves: the PR exists, the ticket does not know it.
        yield* sql`UPDATE tickets SET state = 'CREATE_PR', pr_number = NULL, pr_url = NULL WHERE id = ${ticket.id}`
        const reviewer = awaitReview(ticket.id).pipe(Effect.zipRight(ado.review.complete(pr)))
        yield* Effect.forkScoped(reviewer)
        const done = yield* driveTicket(ticket.id, () => Effect.void)
        assert.equal(done.state, "MERGED")
        assert.equal(done.prNumber, pr)
        assert.equal((yield* ado.pullRequests).length, 1)
      }).pipe(Effect.provide(pipeline()))
    }),
  options,
)
