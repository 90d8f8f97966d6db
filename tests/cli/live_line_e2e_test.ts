import assert from "node:assert/strict"
import { Effect } from "effect"
import { ticketScript } from "../pipeline/support/scripted_agent.ts"
import { ticketHome } from "../pipeline/support/ticket_harness.ts"
import { it } from "../support/effect_test.ts"
import type { RecordedRequest } from "../support/mock_model/server.ts"
import { turn } from "../support/mock_model/turns.ts"
import { devvyOnTerminal } from "../support/pty.ts"

const usage = { input: 1200, output: 80 }

/**
 * The scripted ticket, except that IMPLEMENT writes hello.txt and then runs a two-second command, so the live
 * line has time to show the write as the agent's latest action whatever the machine's speed.
 */
const slowImplement = (request: RecordedRequest) => {
  if (!request.lastUserText.includes("Now implement the plan")) {
    return ticketScript({ implement: {} })(request)
  }
  const lastUser = request.messages.findLastIndex((m) => m.role === "user")
  const done = request.messages.slice(lastUser).filter((m) => m.role === "tool").length
  return done === 0
    ? turn.write("/workspace/hello.txt", "hello\n", usage)
    : done === 1
    ? turn.bash("sleep 2", usage)
    : turn.text("Implemented.", usage)
}

// PLAN answers once and IMPLEMENT three times, 1,280 tokens each: 5,120 tokens stop the ticket on a budget of
// 5,000 before CREATE_PR's agent run, which ends the foreground run by itself with exit 3.
it.live(
  "on a terminal, run shows a live line with the state and the agent's last tool, cleared before each transition, without colour under NO_COLOR",
  () =>
    Effect.gen(function* () {
      // The ticket stops in CREATE_PR with its worker running: the home removes it when the test ends.
      const { home, repo, env: homeEnv } = yield* ticketHome(slowImplement, { DEVVY_MAX_TOKENS: "5000" })
      const origin = repo({})
      const env = { ...homeEnv, NO_COLOR: "1" }
      const shown = yield* Effect.promise(() =>
        devvyOnTerminal(home, ["run", "-t", "Say hello", "--description", "Add hello.txt", "--repo", origin], env)
      )
      const out = shown.output
      assert.equal(shown.code, 3, out)
      assert.match(out, /budget exhausted: 5,120 tokens of 5,000/)
      // deno-lint-ignore no-control-regex
      assert.match(out, /\r\x1b\[2K[^\r\n]*IMPLEMENT [0-9hms ]+ · write hello\.txt · [\d,]+ tokens · \$0\.00/)
      // deno-lint-ignore no-control-regex
      assert.match(out, /\r\x1b\[2K\d\d:\d\d:\d\d {2}IMPLEMENT → VALIDATE\r?\n/, "the live line is cleared first")
      // deno-lint-ignore no-control-regex
      assert.doesNotMatch(out, /\x1b\[[0-9;]*m/, "no colour codes")
      const afterLastLiveLine = out.slice(out.lastIndexOf(" tokens · $"))
      assert.ok(afterLastLiveLine.includes("\r\x1b[2K"), "no live line is left on the screen")
    }),
  { sanitizeOps: false, sanitizeResources: false },
)
