/**
 * A whole ticket with docker.workspace_mode = "copy": the worker and the validation container get the
 * workspace through the engine's archive endpoints, never a bind mount, and what the agent does there
 * (new and changed files, a deletion, an executable bit, a symlink) and what format.sh does reach the
 * pull request through git on this host.
 */
import assert from "node:assert/strict"
import { Effect, Layer, Schedule } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { driveTicket } from "../../src/pipeline/runner.ts"
import { DockerEngine } from "../../src/services/docker/DockerEngine.ts"
import { addComment, approve } from "../../src/services/forge/local/LocalReview.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { it } from "../support/effect_test.ts"
import { gitSync, makeRepo } from "../support/git_fixtures.ts"
import { makeMockModel } from "../support/mock_model/server.ts"
import { makeTempDir } from "../support/temp_home.ts"
import { waitUntil } from "./support/review_driver.ts"
import { ticketScript } from "./support/scripted_agent.ts"
import { pipelineAt, testWorkerImage } from "./support/ticket_harness.ts"

const repository = {
  "README.md": "# app\n",
  "old.txt": "to be deleted\n",
  "tool.sh": "#!/bin/sh\necho tool\n",
  "src/scripts/format.sh": "printf 'formatted\\n' > formatted.txt\n",
  "src/scripts/code-checks.sh": "test -f hello.txt && test ! -e old.txt && test -x tool.sh && test -L docs/readme\n",
  // Long enough for the test to see the validation container while it exists.
  "src/scripts/run-tests.sh": "grep -q '^hello' hello.txt && sleep 1\n",
}

/** Every container of the ticket seen while it runs, by role, with where its mounts land. */
const watchContainers = (ticketId: string, seen: Map<string, { role: string; mounts: ReadonlyArray<string> }>) =>
  Effect.gen(function* () {
    const docker = yield* DockerEngine
    for (const c of yield* docker.listContainers({ "devvy.ticket": ticketId })) {
      if (seen.has(c.id)) continue
      const info = yield* docker.inspectContainer(c.id).pipe(Effect.option)
      if (info._tag === "Some") seen.set(c.id, { role: c.labels["devvy.role"] ?? "", mounts: info.value.mounts })
    }
  }).pipe(Effect.ignore, Effect.repeat(Schedule.spaced("100 millis")))

it.live(
  "a ticket in copy mode reaches MERGED with the agent's files, deletion, executable bit and symlink in the pull request, and no container has a mount",
  () =>
    Effect.gen(function* () {
      const workerImage = yield* testWorkerImage
      const home = yield* makeTempDir()
      const origin = makeRepo(path.join(home, "origin"), { files: repository })
      const model = yield* makeMockModel(ticketScript({
        implement: { "hello.txt": "hello\n", "src/new/module.ts": "export const x = 1\n" },
        implementCommands: ["rm old.txt && chmod +x tool.sh && mkdir -p docs && ln -s ../README.md docs/readme"],
        review: { files: { "hello.txt": "hello world\n" }, reply: "Changed it to hello world." },
      }))
      yield* Effect.gen(function* () {
        const store = yield* TicketStore
        const ticket = yield* store.create({
          title: "Say hello",
          description: "Add hello.txt, drop old.txt, make tool.sh executable",
          repoUrl: origin,
          model: "mock/m1",
        })
        const seen = new Map<string, { role: string; mounts: ReadonlyArray<string> }>()
        yield* Effect.forkScoped(watchContainers(ticket.id, seen))
        yield* Effect.forkScoped(Effect.gen(function* () {
          yield* waitUntil(ticket.id, (state, pr) => state === "WAIT_FOR_REVIEW" && pr !== null)
          yield* addComment(ticket.id, { content: "Please make it say hello world", filePath: "hello.txt", line: 1 })
          yield* waitUntil(ticket.id, (state) => state === "RESPOND_TO_REVIEW")
          yield* waitUntil(ticket.id, (state) => state === "WAIT_FOR_REVIEW")
          yield* approve(ticket.id)
        }))
        const done = yield* driveTicket(ticket.id, () => Effect.void)
        assert.equal(done.state, "MERGED", done.error ?? "")

        // Inspect proves it: the worker and the validation containers (one per validation) had no mounts.
        const roles = [...seen.values()].map((c) => c.role).sort()
        assert.ok(roles.includes("worker"), `containers seen: ${roles.join(", ")}`)
        assert.ok(roles.filter((r) => r === "validate").length >= 1, `containers seen: ${roles.join(", ")}`)
        for (const c of seen.values()) assert.deepEqual(c.mounts, [], `${c.role} had mounts`)

        // The merged default branch has exactly what the agent and format.sh did.
        assert.equal(gitSync(origin, ["show", "main:hello.txt"]), "hello world")
        assert.equal(gitSync(origin, ["show", "main:src/new/module.ts"]), "export const x = 1")
        assert.equal(gitSync(origin, ["show", "main:formatted.txt"]), "formatted")
        const tree = gitSync(origin, ["ls-tree", "-r", "main"])
        assert.match(tree, /^100755 blob \w+\ttool\.sh$/m)
        assert.match(tree, /^120000 blob \w+\tdocs\/readme$/m)
        assert.doesNotMatch(tree, /old\.txt/)
        assert.equal(gitSync(origin, ["show", "main:docs/readme"]), "../README.md")
        // format.sh's change, made in the validation container's copy, was in the pull request's first commit.
        const firstTouching = (file: string) =>
          gitSync(origin, ["log", "--reverse", "--format=%H", "main", "--", file])
            .split("\n")[0]
        assert.equal(firstTouching("formatted.txt"), firstTouching("hello.txt"))

        const left = yield* (yield* DockerEngine).listContainers({ "devvy.ticket": ticket.id })
        assert.equal(left.length, 0)
        assert.equal(fs.existsSync(path.join(home, "workspaces", ticket.id)), false)
      }).pipe(
        Effect.scoped,
        Effect.provide(pipelineAt({ home, model, workerImage, settings: { DEVVY_WORKSPACE_MODE: "copy" } })),
      )
    }),
  Layer.empty,
  { sanitizeOps: false, sanitizeResources: false },
)
