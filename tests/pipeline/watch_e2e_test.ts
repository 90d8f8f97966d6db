import assert from "node:assert/strict"
import { Effect, Fiber, Layer, Option } from "effect"
import { driveTicket } from "../../src/pipeline/runner.ts"
import { watch } from "../../src/pipeline/watch.ts"
import { watchedWorkItems } from "../../src/services/forge/work_source.ts"
import { TicketLease } from "../../src/services/store/TicketLease.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { startAdoEmulator } from "../support/ado_emulator/emulator.ts"
import { it } from "../support/effect_test.ts"
import { mostDrivenAtOnce } from "./support/history.ts"
import { ticketHome } from "./support/ticket_harness.ts"

const pat = "emulated-pat-77c0"
const repoFiles = { "README.md": "# web\n", "src/scripts/run-tests.sh": "grep -q '^hello' hello.txt\n" }
const options = { sanitizeOps: false, sanitizeResources: false }

it.live(
  "watch with --max-parallel 2 makes one ticket per tagged item, drives at most two at once, and merges all three",
  () =>
    Effect.gen(function* () {
      const ado = yield* startAdoEmulator({ pat, repos: [{ name: "web", files: repoFiles }] })
      const tagged = [
        yield* ado.addWorkItem({ title: "First", tags: ["devvy"] }),
        yield* ado.addWorkItem({ title: "Second", tags: ["devvy"] }),
        yield* ado.addWorkItem({ title: "Closed", tags: ["devvy"], state: "Closed" }),
        yield* ado.addWorkItem({ title: "Third", tags: ["devvy", "ui"] }),
      ]
      yield* ado.addWorkItem({ title: "Untagged" })
      const settings = { DEVVY_ADO_PAT: pat, DEVVY_ADO_ORG_URL: ado.orgUrl, DEVVY_ADO_PROJECT: ado.project }
      // Each ticket adds a file of its own: one started after another merged still has something to propose.
      const script = {
        implement: { "hello.txt": "hello\n" },
        implementCommands: ['echo hi > "$(mktemp -p . hi-XXXXXX.txt)"'],
      }
      const { pipeline } = yield* ticketHome(script, settings)
      yield* Effect.gen(function* () {
        const store = yield* TicketStore
        const leases = yield* TicketLease
        let mostLeased = 0
        const watching = yield* Effect.fork(watch({
          items: yield* watchedWorkItems(Option.none()),
          maxParallel: 2,
          repoUrl: ado.repoUrl("web"),
          model: "mock/m1",
          pollInterval: "1 second",
          onEvent: () => Effect.void,
          drive: (id) =>
            driveTicket(id, () =>
              Effect.map(leases.drivers(), (drivers) => void (mostLeased = Math.max(mostLeased, drivers.size)))),
        }))
        // The reviewer completes every pull request that waits for review, until all three tickets ended.
        while (true) {
          const tickets = yield* store.list({ all: true })
          for (const t of tickets) {
            if (t.state === "WAIT_FOR_REVIEW" && t.prNumber !== null) {
              const pr = (yield* ado.pullRequests).find((p) =>
                p.pullRequestId === t.prNumber
              )
              if (pr?.status === "active") yield* ado.review.complete(t.prNumber)
            }
          }
          if (tickets.length === 3 && tickets.every((t) => t.state === "MERGED")) break
          assert.ok(tickets.every((t) => t.state !== "FAILED"), JSON.stringify(tickets))
          yield* Effect.sleep("300 millis")
        }
        // The closing comment follows the MERGED transition: wait for it before stopping the watch.
        const merged = [tagged[0], tagged[1], tagged[3]]
        for (let i = 0; i < 300; i++) {
          const counts = yield* Effect.forEach(merged, (id) => Effect.map(ado.workItem(id), (w) => w.comments.length))
          if (counts.every((n) => n >= 2)) break
          yield* Effect.sleep("200 millis")
        }
        yield* Fiber.interrupt(watching)
        const tickets = yield* store.list({ all: true })
        assert.deepEqual(
          tickets.map((t) => t.source?.id).sort(),
          [tagged[0], tagged[1], tagged[3]].map(String).sort(),
        )
        assert.equal((yield* ado.pullRequests).length, 3)
        const histories = yield* Effect.forEach(tickets, (t) => store.history(t.id))
        assert.equal(
          mostDrivenAtOnce(histories),
          2,
          JSON.stringify(histories.map((h) => h.map((c) => `${c.to}@${c.at.getTime()}`))),
        )
        assert.ok(mostLeased <= 2 && mostLeased > 0, `leases held at once: ${mostLeased}`)
        for (const id of merged) {
          const texts = (yield* ado.workItem(id)).comments.map((c) => c.text)
          assert.equal(texts.length, 2, JSON.stringify(texts))
        }
      }).pipe(Effect.provide(pipeline()))
    }),
  Layer.empty,
  options,
)
