import assert from "node:assert/strict"
import { Effect, Layer } from "effect"
import { SqlClient } from "@effect/sql/SqlClient"
import { LocalPullRequests } from "../../src/services/forge/local/LocalPullRequests.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { ticketHome } from "../pipeline/support/ticket_harness.ts"
import { detached, driverPid, statusOf, until } from "../support/devvy_cli.ts"
import { it } from "../support/effect_test.ts"
import { gitSync } from "../support/git_fixtures.ts"
import { storeAt } from "../support/temp_home.ts"

it.live(
  "run -d drives a ticket in the background; kill -9 in PLAN, VALIDATE, CREATE_PR and RESPOND_TO_REVIEW and resume finish it with one PR and one reply",
  () =>
    Effect.gen(function* () {
      const { home, repo, cli: run } = yield* ticketHome({
        implement: { "hello.txt": "hello\n" },
        review: { files: { "hello.txt": "hello world\n" }, reply: "It says hello world now." },
      })
      // The pause keeps VALIDATE running long enough for the test to catch it there.
      const origin = repo({ "src/scripts/run-tests.sh": "sleep 3; grep -q '^hello' hello.txt\n" })

      const id = yield* detached(run, "-t", "Say hello", "--description", "Add hello.txt", "--repo", origin)
      assert.match(id, /^[0-9a-f]{6}$/)

      const killIn = (state: string) =>
        Effect.gen(function* () {
          const seen = yield* until(statusOf(run, id), (s) => s.state === state && driverPid(s.process) > 0, state)
          Deno.kill(driverPid(seen.process), "SIGKILL")
          const idle = yield* until(statusOf(run, id), (s) => s.process === "Idle / resumable", "the lease to lapse")
          assert.equal(idle.state, state, "a killed driver leaves the ticket in its state")
          const resumed = yield* run("resume", id, "-d")
          assert.equal(resumed.code, 0, resumed.stderr)
        })

      yield* killIn("PLAN")
      yield* killIn("VALIDATE")
      yield* killIn("CREATE_PR")
      yield* until(statusOf(run, id), (s) => s.state === "WAIT_FOR_REVIEW", "review")
      const busy = yield* run("resume", id)
      assert.equal(busy.code, 2, "a driven ticket cannot be resumed twice")
      assert.match(busy.stderr, /being driven by process \d+/)
      const commented = yield* run(
        "review",
        id,
        "--comment",
        "Please say hello world",
        "--file",
        "hello.txt",
        "--line",
        "1",
      )
      assert.equal(commented.code, 0, commented.stderr)
      yield* killIn("RESPOND_TO_REVIEW")
      yield* until(
        statusOf(run, id),
        (s) => s.state === "WAIT_FOR_REVIEW" && s.history.some((h) => h.to === "RESPOND_TO_REVIEW"),
        "the answered review",
      )
      const approved = yield* run("review", id, "--approve")
      assert.equal(approved.code, 0, approved.stderr)
      const merged = yield* until(statusOf(run, id), (s) => s.state === "MERGED", "MERGED")
      assert.equal(merged.process, "-")

      assert.equal(gitSync(origin, ["show", "main:hello.txt"]), "hello world")
      yield* Effect.gen(function* () {
        const ticket = yield* (yield* TicketStore).get(id)
        const records = yield* LocalPullRequests
        const sql = yield* SqlClient
        const [{ n }] = yield* sql<{ n: number }>`SELECT COUNT(*) AS n FROM local_pull_requests`
        assert.equal(n, 1, "one pull request, never a second")
        const threads = yield* records.threads(ticket.prNumber ?? 0, "devvy")
        assert.deepEqual(threads.flatMap((t) => t.comments.map((c) => c.content)), [
          "Please say hello world",
          "It says hello world now.",
        ])
      }).pipe(Effect.provide(LocalPullRequests.Default.pipe(Layer.provideMerge(storeAt(home)))))
    }),
  { sanitizeOps: false, sanitizeResources: false },
)
