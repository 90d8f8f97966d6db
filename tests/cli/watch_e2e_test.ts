import assert from "node:assert/strict"
import { Effect, Layer } from "effect"
import * as path from "node:path"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { mostDrivenAtOnce } from "../pipeline/support/history.ts"
import { ticketHome } from "../pipeline/support/ticket_harness.ts"
import { startAdoEmulator } from "../support/ado_emulator/emulator.ts"
import { devvy } from "../support/devvy_cli.ts"
import { it } from "../support/effect_test.ts"
import { storeAt } from "../support/temp_home.ts"

const pat = "emulated-pat-9e3b"
const repoFiles = { "README.md": "# web\n", "src/scripts/run-tests.sh": "grep -q '^hello' hello.txt\n" }
const options = { sanitizeOps: false, sanitizeResources: false }
const main = new URL("../../main.ts", import.meta.url).pathname

/** `devvy watch` as a separate process, killed outright when the test's scope closes if it is still running. */
const startWatch = (env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync(() =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", main, "watch", "--max-parallel", "2"],
        env,
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn()
    ),
    (child) =>
      Effect.promise(async () => {
        try {
          child.kill("SIGKILL")
        } catch {
          // It has ended already.
        }
        await child.status
      }),
  )

it.live(
  "watch killed with -9 mid-way and started again finishes every ticket once: no duplicate ticket, PR or comment",
  () =>
    Effect.gen(function* () {
      const ado = yield* startAdoEmulator({ pat, repos: [{ name: "web", files: repoFiles }] })
      // Its cleanup ends any driver, container and image the tickets in the home still have, pass or fail.
      const fixture = yield* ticketHome({ implement: { "hello.txt": "hello\n" } })
      const home = fixture.home
      const items = [
        yield* ado.addWorkItem({ title: "First", tags: ["devvy"] }),
        yield* ado.addWorkItem({ title: "Second", tags: ["devvy"] }),
        yield* ado.addWorkItem({ title: "Third", tags: ["devvy"] }),
      ]
      const env = {
        ...fixture.env,
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: home,
        DENO_DIR: Deno.env.get("DENO_DIR") ?? path.join(Deno.env.get("HOME") ?? "/root", ".cache", "deno"),
        DEVVY_HOME: home,
        DEVVY_CONFIG: path.join(home, "config.toml"),
        DEVVY_ADO_PAT: pat,
        DEVVY_ADO_ORG_URL: ado.orgUrl,
        DEVVY_ADO_PROJECT: ado.project,
        DEVVY_REPO_URL: ado.repoUrl("web"),
        NO_COLOR: "1",
      }
      yield* Effect.gen(function* () {
        const store = yield* TicketStore
        const tickets = store.list({ all: true })
        const until = (ready: (all: Effect.Effect.Success<typeof tickets>) => boolean, what: string) =>
          Effect.gen(function* () {
            for (let i = 0; i < 1500; i++) {
              const all = yield* tickets
              if (ready(all)) return all
              assert.ok(all.every((t) => t.state !== "FAILED"), JSON.stringify(all))
              yield* Effect.sleep("200 millis")
            }
            return yield* Effect.dieMessage(`timed out waiting for ${what}`)
          })

        const first = yield* startWatch(env)
        yield* until((all) => all.some((t) => t.state === "WAIT_FOR_REVIEW"), "a ticket waiting for review")
        first.kill("SIGKILL")
        yield* Effect.promise(() => first.status)

        const second = yield* startWatch(env)
        // ps shows the restarted watch as the driver of the tickets it resumed.
        for (let i = 0; i < 300; i++) {
          const ps = yield* Effect.promise(() => devvy(home, ["ps", "--json"], env))
          if (ps.stdout.includes(`Running (pid ${second.pid})`)) break
          assert.ok(i < 299, `ps never showed watch (pid ${second.pid}) driving a ticket: ${ps.stdout}`)
          yield* Effect.sleep("200 millis")
        }
        // The reviewer completes each pull request once its ticket waits for review.
        yield* until((all) => all.length === 3 && all.every((t) => t.state === "MERGED"), "three merged tickets").pipe(
          Effect.race(Effect.forever(Effect.gen(function* () {
            for (const t of yield* tickets) {
              const pr = (yield* ado.pullRequests).find((p) => p.pullRequestId === t.prNumber)
              if (t.state === "WAIT_FOR_REVIEW" && pr?.status === "active") yield* ado.review.complete(pr.pullRequestId)
            }
            yield* Effect.sleep("300 millis")
          }))),
        )
        // The closing comment follows the MERGED transition: wait for it before stopping the watch.
        for (let i = 0; i < 300; i++) {
          const counts = yield* Effect.forEach(items, (id) => Effect.map(ado.workItem(id), (w) => w.comments.length))
          if (counts.every((n) => n >= 2)) break
          yield* Effect.sleep("200 millis")
        }
        const ps = yield* Effect.promise(() => devvy(home, ["ps", "--json"], env))
        assert.equal(ps.stdout.trim(), "[]")
        second.kill("SIGINT")
        assert.equal((yield* Effect.promise(() => second.status)).code, 130)

        const all = yield* tickets
        assert.deepEqual(all.map((t) => Number(t.source?.id)).sort(), items)
        assert.equal((yield* ado.pullRequests).length, 3)
        for (const id of items) {
          const texts = (yield* ado.workItem(id)).comments.map((c) => c.text)
          assert.equal(texts.length, 2, `comments on ${id}: ${JSON.stringify(texts)}`)
        }
        assert.ok(mostDrivenAtOnce(yield* Effect.forEach(all, (t) => store.history(t.id))) <= 2)
      }).pipe(Effect.provide(storeAt(home)))
    }),
  Layer.empty,
  options,
)
