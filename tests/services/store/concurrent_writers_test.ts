import assert from "node:assert/strict"
import { Effect } from "effect"
import { TicketLog } from "../../../src/services/store/TicketLog.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { it } from "../../support/effect_test.ts"
import { makeTempDir, storeAt } from "../../support/temp_home.ts"

const writer = (home: string, count: number, label: string) =>
  new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../support/store_writer.ts", import.meta.url).pathname, home, String(count), label],
    stdout: "piped",
    stderr: "piped",
  }).output()

it.live(
  "two processes writing one new database at the same time both succeed with nothing lost",
  () =>
    Effect.gen(function* () {
      // Both start on a database neither has migrated, so they also race through the migrations.
      const home = yield* makeTempDir()
      const [a, b] = yield* Effect.promise(() => Promise.all([writer(home, 150, "a"), writer(home, 150, "b")]))
      const decoder = new TextDecoder()
      assert.equal(a.code, 0, decoder.decode(a.stderr))
      assert.equal(b.code, 0, decoder.decode(b.stderr))
      const check = Effect.gen(function* () {
        const tickets = yield* (yield* TicketStore).list({ all: true })
        assert.equal(tickets.length, 300)
        assert.ok(tickets.every((t) => t.state === "PREPARE_ENV"))
        const log = yield* TicketLog
        const lines = yield* Effect.forEach(tickets, (t) => log.read(t.id))
        assert.equal(lines.flat().length, 300)
      })
      yield* check.pipe(Effect.provide(storeAt(home)))
    }),
)
