import assert from "node:assert/strict"
import { Effect, Layer } from "effect"
import { mostDrivenAtOnce } from "../pipeline/support/history.ts"
import { ticketHome } from "../pipeline/support/ticket_harness.ts"
import { startAdoEmulator } from "../support/ado_emulator/emulator.ts"
import { it } from "../support/effect_test.ts"
import { watchKilledAndRestarted } from "./support/watch_cli.ts"

const pat = "emulated-pat-9e3b"
const repoFiles = { "README.md": "# web\n", "src/scripts/run-tests.sh": "grep -q '^hello' hello.txt\n" }
const options = { sanitizeOps: false, sanitizeResources: false }

it.live(
  "watch killed with -9 mid-way and started again finishes every ticket once: no duplicate ticket, PR or comment",
  () =>
    Effect.gen(function* () {
      const ado = yield* startAdoEmulator({ pat, repos: [{ name: "web", files: repoFiles }] })
      // Its cleanup ends any driver, container and image the tickets in the home still have, pass or fail.
      // Each ticket adds a file of its own besides hello.txt: one started after another merged has something
      // to propose, as CREATE_PR fails a ticket whose branch has nothing main does not.
      const fixture = yield* ticketHome({
        implement: { "hello.txt": "hello\n" },
        implementCommands: ['echo hello > "$(mktemp -p . hello-XXXXXX.txt)"'],
      })
      const items = [
        yield* ado.addWorkItem({ title: "First", tags: ["devvy"] }),
        yield* ado.addWorkItem({ title: "Second", tags: ["devvy"] }),
        yield* ado.addWorkItem({ title: "Third", tags: ["devvy"] }),
      ]
      const env = {
        ...fixture.env,
        DEVVY_ADO_PAT: pat,
        DEVVY_ADO_ORG_URL: ado.orgUrl,
        DEVVY_ADO_PROJECT: ado.project,
        DEVVY_REPO_URL: ado.repoUrl("web"),
        NO_COLOR: "1",
      }
      const { tickets, histories } = yield* watchKilledAndRestarted(fixture.home, env, 2, {
        items: items.length,
        merge: (t) =>
          Effect.gen(function* () {
            const pr = (yield* ado.pullRequests).find((p) => p.pullRequestId === t.prNumber)
            if (pr?.status === "active") yield* ado.review.complete(pr.pullRequestId)
          }),
        commentCounts: Effect.forEach(items, (id) => Effect.map(ado.workItem(id), (w) => w.comments.length)),
      })

      assert.deepEqual(tickets.map((t) => Number(t.source?.id)).sort(), items)
      assert.equal((yield* ado.pullRequests).length, 3)
      for (const id of items) {
        const texts = (yield* ado.workItem(id)).comments.map((c) => c.text)
        assert.equal(texts.length, 2, `comments on ${id}: ${JSON.stringify(texts)}`)
      }
      assert.ok(mostDrivenAtOnce(histories) <= 2)
    }),
  Layer.empty,
  options,
)
