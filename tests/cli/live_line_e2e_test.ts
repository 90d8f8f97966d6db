import assert from "node:assert/strict"
import { Effect, Layer } from "effect"
import * as path from "node:path"
import { ticketScript } from "../pipeline/support/scripted_agent.ts"
import { mockModelSettings, testWorkerImage } from "../pipeline/support/ticket_harness.ts"
import { cli } from "../support/devvy_cli.ts"
import { it } from "../support/effect_test.ts"
import { makeRepo } from "../support/git_fixtures.ts"
import type { RecordedRequest } from "../support/mock_model/server.ts"
import { turn } from "../support/mock_model/turns.ts"
import { makeMockModel } from "../support/mock_model/server.ts"
import { devvyOnTerminal } from "../support/pty.ts"
import { makeTempDir } from "../support/temp_home.ts"

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
      const workerImage = yield* testWorkerImage
      const home = yield* makeTempDir()
      const origin = makeRepo(path.join(home, "origin"), { files: { "README.md": "# app\n" } })
      const model = yield* makeMockModel(slowImplement)
      const env = { ...mockModelSettings(home, model, workerImage), DEVVY_MAX_TOKENS: "5000", NO_COLOR: "1" }
      // The ticket stops in CREATE_PR with its worker running: cancelling it removes the worker and workspace.
      yield* Effect.addFinalizer(() =>
        Effect.gen(function* () {
          const run = cli(home, env)
          const live: ReadonlyArray<{ readonly id: string }> = JSON.parse((yield* run("ps", "--json")).stdout || "[]")
          for (const { id } of live) yield* run("cancel", id)
        }).pipe(Effect.orDie)
      )
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
  Layer.empty,
  { sanitizeOps: false, sanitizeResources: false },
)
