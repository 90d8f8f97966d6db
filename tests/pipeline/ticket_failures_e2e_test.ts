import assert from "node:assert/strict"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import type { CommandExecutor } from "@effect/platform/CommandExecutor"
import type { TicketId } from "../../src/domain/TicketId.ts"
import { driveTicket } from "../../src/pipeline/runner.ts"
import type { LocalPullRequests } from "../../src/services/forge/local/LocalPullRequests.ts"
import { DockerEngine } from "../../src/services/docker/DockerEngine.ts"
import { abandon, approve } from "../../src/services/forge/local/LocalReview.ts"
import { TicketLog } from "../../src/services/store/TicketLog.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { it } from "../support/effect_test.ts"
import { awaitReview, transitionLog } from "./support/review_driver.ts"
import type { TicketScript } from "./support/scripted_agent.ts"
import { newTicket, ticketHome } from "./support/ticket_harness.ts"

const scripts = {
  "src/scripts/format.sh": "exit 3\n",
  "src/scripts/run-tests.sh":
    "grep -q '^hello' hello.txt || { echo 'FAIL: hello.txt must start with hello'; exit 1; }\n",
}

/** Images a ticket's validation built and left behind, by their label, as `docker images` lists them. */
const imagesOf = async (id: string) => {
  const out = await new Deno.Command("docker", {
    args: ["images", "--quiet", "--filter", `label=devvy.ticket=${id}`],
    env: { DOCKER_API_VERSION: "1.41" },
  }).output()
  return new TextDecoder().decode(out.stdout).trim()
}

/** A ticket over a fresh local repository, driven to its end with `reviewer` acting meanwhile. */
const runTicket = (
  files: Readonly<Record<string, string>>,
  script: TicketScript,
  reviewer: (id: TicketId) => Effect.Effect<unknown, unknown, TicketStore | LocalPullRequests | CommandExecutor>,
  settings: Readonly<Record<string, string>> = {},
) =>
  Effect.gen(function* () {
    const { home, repo, pipeline } = yield* ticketHome(script, settings)
    const origin = repo({ ...scripts, ...files })
    return yield* Effect.gen(function* () {
      const ticket = yield* newTicket(origin, "Say hello", "Add hello.txt")
      const log = transitionLog()
      yield* Effect.forkScoped(
        reviewer(ticket.id).pipe(Effect.provide(pipeline())),
      )
      const exit = yield* Effect.exit(driveTicket(ticket.id, log.record))
      const lines = (yield* (yield* TicketLog).read(ticket.id)).map((l) => l.line.message)
      const containers = yield* (yield* DockerEngine).listContainers({ "devvy.ticket": ticket.id })
      return {
        exit,
        ticket: yield* (yield* TicketStore).get(ticket.id),
        transitions: log.seen,
        lines,
        containers: containers.length,
        workspace: fs.existsSync(path.join(home, "workspaces", ticket.id)),
        images: yield* Effect.promise(() => imagesOf(ticket.id)),
      }
    }).pipe(Effect.provide(pipeline()))
  })

const approveOnReview = (id: TicketId) => awaitReview(id).pipe(Effect.zipRight(approve(id)))

const options = { sanitizeOps: false, sanitizeResources: false }

it.live(
  "validation failing once is fixed by the agent with the failing output, then the ticket merges",
  () =>
    Effect.gen(function* () {
      const result = yield* runTicket({ Dockerfile: "FROM debian:bookworm-slim\n" }, {
        implement: { "hello.txt": "hi\n" },
        fixes: [{ "hello.txt": "hello\n" }],
      }, approveOnReview)
      assert.equal(result.ticket.state, "MERGED")
      assert.ok(result.lines.some((l) => l.includes("src/scripts/format.sh exited with 3: not fatal")))
      assert.ok(result.lines.some((l) => l === "src/scripts/run-tests.sh failed with exit code 1"))
      assert.ok(result.lines.some((l) => l.startsWith("asking the agent for fix 1 of")))
      assert.ok(result.lines.includes("validation passed"))
      assert.equal(result.ticket.retryCount, 0)
      assert.equal(result.images, "", "the validation images are removed")
    }),
  options,
)

it.live(
  "validation failing past max_fix_attempts FAILS the ticket and removes container, image and workspace",
  () =>
    Effect.gen(function* () {
      const result = yield* runTicket(
        { Dockerfile: "FROM debian:bookworm-slim\n" },
        {
          implement: { "hello.txt": "hi\n" },
          fixes: [{ "hello.txt": "still hi\n" }],
        },
        () => Effect.void,
        { DEVVY_MAX_FIX_ATTEMPTS: "1" },
      )
      assert.equal(result.ticket.state, "FAILED")
      assert.match(
        result.ticket.error ?? "",
        /validation failed after 1 fix attempt: src\/scripts\/run-tests\.sh exited with 1/,
      )
      assert.equal(result.transitions.at(-1), "VALIDATE→FAILED")
      assert.equal(result.exit._tag, "Failure")
      assert.equal(result.containers, 0)
      assert.equal(result.images, "")
      assert.equal(result.workspace, false)
    }),
  options,
)

it.live(
  "an abandoned pull request FAILS the ticket with that reason",
  () =>
    Effect.gen(function* () {
      const result = yield* runTicket(
        {},
        { implement: { "hello.txt": "hello\n" } },
        (id) => awaitReview(id).pipe(Effect.zipRight(abandon(id))),
      )
      assert.equal(result.ticket.state, "FAILED")
      assert.equal(result.ticket.error, "pull request abandoned")
      assert.equal(result.transitions.at(-1), "WAIT_FOR_REVIEW→FAILED")
      assert.equal(result.containers, 0)
      assert.equal(result.workspace, false)
    }),
  options,
)
