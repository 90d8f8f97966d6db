import assert from "node:assert/strict"
import { Effect, Schema } from "effect"
import * as path from "node:path"
import { ticketHome } from "../pipeline/support/ticket_harness.ts"
import { detached } from "../support/devvy_cli.ts"
import { it } from "../support/effect_test.ts"
import { gitSync } from "../support/git_fixtures.ts"

const PsRow = Schema.Struct({ id: Schema.String, state: Schema.String, process: Schema.String })
const decodePs = Schema.decodeUnknown(Schema.parseJson(Schema.Array(PsRow)))

/** A home of the test's own, the mock model scripted to add hello.txt, and a repository that checks it. */
const setUp = Effect.map(ticketHome({ implement: { "hello.txt": "hello\n" } }), (home) => ({
  ...home,
  helloRepo: (name: string) => home.repo({ "src/scripts/run-tests.sh": "grep -q '^hello' hello.txt\n" }, name),
}))

const options = { sanitizeOps: false, sanitizeResources: false }

it.live(
  "three tickets run in the background at once, ps shows each one's driver, and all merge",
  () =>
    Effect.gen(function* () {
      const { helloRepo, cli: run } = yield* setUp
      const origins = ["a", "b", "c"].map(helloRepo)
      const ids: Array<string> = []
      for (const origin of origins) {
        ids.push(
          yield* detached(run, "-t", `Hello in ${path.basename(origin)}`, "--description", "d", "--repo", origin),
        )
      }
      const ps = () => Effect.flatMap(run("ps", "--all", "--json"), (r) => decodePs(r.stdout)).pipe(Effect.orDie)
      // Every ticket is shown with a live driver of its own while they run side by side.
      let sawAllRunning = false
      const approved = new Set<string>()
      for (let i = 0; i < 900 && approved.size < ids.length; i++) {
        const rows = yield* ps()
        const mine = rows.filter((r) => ids.includes(r.id))
        const pids = mine.map((r) => /Running \(pid (\d+)\)/.exec(r.process)?.[1]).filter((p) => p !== undefined)
        if (pids.length === ids.length && new Set(pids).size === ids.length) sawAllRunning = true
        for (const row of mine) {
          if (row.state === "WAIT_FOR_REVIEW" && !approved.has(row.id)) {
            const approve = yield* run("review", row.id, "--approve")
            assert.equal(approve.code, 0, approve.stderr)
            approved.add(row.id)
          }
        }
        yield* Effect.sleep("300 millis")
      }
      assert.ok(sawAllRunning, "ps showed three distinct drivers at once")
      const final = yield* Effect.gen(function* () {
        for (let i = 0; i < 200; i++) {
          const rows = (yield* ps()).filter((r) => ids.includes(r.id))
          if (rows.every((r) => r.state === "MERGED")) return rows
          yield* Effect.sleep("300 millis")
        }
        return yield* ps()
      })
      assert.deepEqual(final.filter((r) => ids.includes(r.id)).map((r) => [r.state, r.process]), [
        ["MERGED", "-"],
        ["MERGED", "-"],
        ["MERGED", "-"],
      ])
      for (const origin of origins) assert.equal(gitSync(origin, ["show", "main:hello.txt"]), "hello")
    }),
  options,
)

it.live(
  "Ctrl-C in a foreground run exits 130 and leaves the ticket resumable where it was",
  () =>
    Effect.gen(function* () {
      const { home, env, helloRepo, cli: run } = yield* setUp
      const origin = helloRepo("app")
      const main = new URL("../../main.ts", import.meta.url).pathname
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", main, "run", "-t", "Say hello", "--description", "d", "--repo", origin],
        env: { ...env, DEVVY_HOME: home, DEVVY_CONFIG: path.join(home, "config.toml"), NO_COLOR: "1" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn()
      // However the test ends, the foreground run it started does not outlive it.
      yield* Effect.addFinalizer(() =>
        Effect.promise(async () => {
          try {
            child.kill("SIGKILL")
          } catch { /* it has exited */ }
          await child.status
        })
      )
      const status = () => run("ps", "--json")
      const plan = yield* Effect.gen(function* () {
        for (let i = 0; i < 600; i++) {
          const rows = yield* decodePs((yield* status()).stdout).pipe(Effect.orDie)
          if (rows[0]?.state === "PLAN") return rows[0]
          yield* Effect.sleep("200 millis")
        }
        return yield* Effect.dieMessage("the ticket never reached PLAN")
      })
      child.kill("SIGINT")
      const out = yield* Effect.promise(() => child.output())
      assert.equal(out.code, 130, new TextDecoder().decode(out.stderr))
      const [after] = yield* decodePs((yield* status()).stdout).pipe(Effect.orDie)
      assert.equal(after.id, plan.id)
      assert.equal(after.state, "PLAN")
      assert.equal(after.process, "Idle / resumable")
    }),
  options,
)
