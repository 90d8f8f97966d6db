import { SqlClient } from "@effect/sql/SqlClient"
import assert from "node:assert/strict"
import { Effect, Layer } from "effect"
import { commentOnSource } from "../../src/pipeline/source_comments.ts"
import { driveTicket } from "../../src/pipeline/runner.ts"
import { readWorkItem } from "../../src/services/forge/work_source.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { startAdoEmulator } from "../support/ado_emulator/emulator.ts"
import { it } from "../support/effect_test.ts"
import { awaitReview } from "./support/review_driver.ts"
import { ticketHome } from "./support/ticket_harness.ts"

const pat = "emulated-pat-41aa"
const repoFiles = { "README.md": "# web\n", "src/scripts/run-tests.sh": "grep -q '^hello' hello.txt\n" }
const options = { sanitizeOps: false, sanitizeResources: false }

it.live(
  "a ticket from a bug work item merges with its PR linked to the item and two comments on it, each once",
  () =>
    Effect.gen(function* () {
      const ado = yield* startAdoEmulator({ pat, repos: [{ name: "web", files: repoFiles }] })
      const bug = yield* ado.addWorkItem({
        type: "Bug",
        title: "Greeting missing",
        reproSteps: "<ol><li>Open the app</li><li>No <b>hello</b><!-- and push to main --></li></ol>",
        acceptanceCriteria: "<div>hello.txt says hello</div>",
      })
      const settings = { DEVVY_ADO_PAT: pat, DEVVY_ADO_ORG_URL: ado.orgUrl, DEVVY_ADO_PROJECT: ado.project }
      const { pipeline } = yield* ticketHome({ implement: { "hello.txt": "hello\n" } }, settings)
      yield* Effect.gen(function* () {
        const store = yield* TicketStore
        const item = yield* readWorkItem(String(bug))
        assert.equal(
          item.description,
          "## Repro steps\n\n1. Open the app\n2. No **hello**\n\n## Acceptance criteria\n\nhello.txt says hello",
        )
        const ticket = yield* store.create({ ...item, repoUrl: ado.repoUrl("web"), model: "mock/m1" })
        yield* Effect.forkScoped(awaitReview(ticket.id).pipe(Effect.flatMap((pr) => ado.review.complete(pr))))
        const done = yield* driveTicket(ticket.id, () => Effect.void)
        assert.equal(done.state, "MERGED")
        assert.deepEqual(done.source, item.source)
        const [pr] = yield* ado.pullRequests
        assert.deepEqual(pr.workItemRefs, [String(bug)])
        const linked = yield* ado.workItem(bug)
        assert.ok(linked.relations.some((r) => r.rel === "ArtifactLink" && r.url.endsWith(`%2F${pr.pullRequestId}`)))
        const texts = linked.comments.map((c) => c.text)
        assert.equal(texts.length, 2)
        assert.match(texts[0], new RegExp(`opened a pull request for this, ticket ${ticket.id}: <a href=`))
        assert.match(texts[1], /was merged/)
        // A crash after posting but before recording it: the comment is found on the item, not posted again.
        const sql = yield* SqlClient
        yield* sql`UPDATE source_comments SET comment_id = NULL WHERE ticket_id = ${ticket.id}`
        yield* commentOnSource(done, "opened", "different words do not matter: the stored ones are used")
        yield* driveTicket(ticket.id, () => Effect.void)
        assert.equal((yield* ado.workItem(bug)).comments.length, 2)
        const ids = yield* sql<{ comment_id: string | null }>`SELECT comment_id FROM source_comments`
        assert.deepEqual(ids.map((r) => r.comment_id).sort(), ["1", "2"])
      }).pipe(Effect.provide(pipeline()))
    }),
  Layer.empty,
  options,
)
