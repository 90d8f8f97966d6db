import assert from "node:assert/strict"
import { Effect } from "effect"
import * as path from "node:path"
import { ticketHome } from "../pipeline/support/ticket_harness.ts"
import { statusOf, until } from "../support/devvy_cli.ts"
import { it } from "../support/effect_test.ts"
import { gitSync } from "../support/git_fixtures.ts"

// The scripted model reports 1,200 tokens in and 80 out per answer: PLAN answers once (1,280 tokens), so a budget
// of 1,000 lets PLAN run and stops the ticket before IMPLEMENT's first run.
it.live(
  "a ticket over its token budget stops in its state with exit 3, shows Stopped: budget, and resume --max-tokens finishes it",
  () =>
    Effect.gen(function* () {
      const { home, repo, model, cli: run } = yield* ticketHome({ implement: { "hello.txt": "hello\n" } }, {
        DEVVY_MAX_TOKENS: "1000",
      })
      const origin = repo({})

      const stopped = yield* run("run", "-t", "Say hello", "--description", "Add hello.txt", "--repo", origin)
      assert.equal(stopped.code, 3, stopped.stderr)
      assert.match(stopped.stdout, /PLAN → IMPLEMENT/)
      assert.doesNotMatch(stopped.stdout, /tokens ·|\r/, "no live line without a terminal")
      assert.match(stopped.stderr, /budget exhausted: 1,280 tokens of 1,000\. Ticket ([0-9a-f]{6}) stays in IMPLEMENT/)
      const id = /Ticket ([0-9a-f]{6})/.exec(stopped.stdout)?.[1] ?? ""
      const requestsAtStop = model.requests.length

      const [listed] = JSON.parse((yield* run("ps", "--json")).stdout)
      assert.equal(listed.process, "Stopped: budget")
      assert.equal(listed.state, "IMPLEMENT")
      const status = yield* run("status", id)
      assert.match(status.stdout, /Stopped +budget exhausted: 1,280 tokens of 1,000/)

      const again = yield* run("resume", id)
      assert.equal(again.code, 3, "resumed without a higher limit, it stops again before any agent run")
      assert.equal(model.requests.length, requestsAtStop, "no agent run past the budget")
      const tooLow = yield* run("resume", id, "--max-tokens", "1280")
      assert.equal(tooLow.code, 2)
      assert.match(tooLow.stderr, /has used 1,280 tokens: give --max-tokens above that/)

      const resumed = yield* run("resume", id, "--max-tokens", "1000000", "-d")
      assert.equal(resumed.code, 0, resumed.stderr)
      yield* until(statusOf(run, id), (s) => s.state === "WAIT_FOR_REVIEW", "the pull request")
      const raised = JSON.parse((yield* run("status", id, "--json")).stdout)
      assert.deepEqual(raised.budget, { maxCostUsd: null, maxTokens: 1000000 })
      assert.equal(raised.stopped, null)
      const approved = yield* run("review", id, "--approve")
      assert.equal(approved.code, 0, approved.stderr)
      yield* until(statusOf(run, id), (s) => s.state === "MERGED", "MERGED")
      assert.equal(gitSync(origin, ["show", "main:hello.txt"]), "hello")
      const driverLog = Deno.readTextFileSync(path.join(home, "drivers", `${id}.log`))
      assert.match(driverLog, /IMPLEMENT → VALIDATE/)
      assert.doesNotMatch(driverLog, /tokens ·|\r/, "a -d driver's log has the plain lines only")
    }),
  { sanitizeOps: false, sanitizeResources: false },
)
