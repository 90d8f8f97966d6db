/**
 * The workspace against the Azure DevOps emulator's git smart HTTP, authenticated with a PAT: clone and
 * push work, a wrong PAT is a clear error, and the PAT is in no file, argv or store row along the way.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import assert from "node:assert/strict"
import { Effect, Fiber, Option, Redacted } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { TicketId } from "../../../src/domain/TicketId.ts"
import { make as makeAdoForge } from "../../../src/services/forge/ado/AdoForge.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { Workspace } from "../../../src/services/workspace/Workspace.ts"
import { startAdoEmulator } from "../../support/ado_emulator/emulator.ts"
import { it } from "../../support/effect_test.ts"
import { gitIn, workspaceLayer, writeFiles } from "../../support/git_fixtures.ts"
import { makeTempDir, storeAt } from "../../support/temp_home.ts"

/** As long as a real one, so an encoder that wraps base64 at 76 columns breaks the header. */
const PAT = "x".repeat(40) + "TOPSECRETPAT" + "y".repeat(32)
const forms = [PAT, btoa(`:${PAT}`)]
const id = TicketId.make("beef01")

const setup = (pat = PAT) =>
  Effect.gen(function* () {
    const emulator = yield* startAdoEmulator({ pat: PAT, repos: [{ name: "web", files: { "a.ts": "export {}\n" } }] })
    const forge = yield* makeAdoForge({
      orgUrl: emulator.orgUrl,
      project: "proj",
      repo: "web",
      pat: Redacted.make(pat),
    })
    const home = yield* makeTempDir()
    const workspace = yield* Effect.provide(Workspace, workspaceLayer(home))
    return { emulator, forge, home, workspace }
  })

/** Every command line on this machine, sampled until `until` completes, so a short-lived git is seen too. */
const watchCommandLines = <A, E, R>(until: Effect.Effect<A, E, R>) =>
  Effect.gen(function* () {
    const seen = new Set<string>()
    const sample = Effect.sync(() => {
      for (const pid of fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
        try {
          seen.add(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim())
        } catch {
          // The process ended between listing and reading.
        }
      }
    })
    const watcher = yield* Effect.fork(Effect.forever(Effect.zipRight(sample, Effect.sleep("1 millis"))))
    const result = yield* until
    yield* Fiber.interrupt(watcher)
    return { result, commandLines: [...seen] }
  })

it.live(
  "clone and push go through git smart HTTP with the PAT, which no argv and no .git/config holds",
  () =>
    Effect.gen(function* () {
      const { emulator, forge, workspace } = yield* setup()
      const repository = yield* forge.repository
      const { result: head, commandLines } = yield* watchCommandLines(Effect.gen(function* () {
        const prepared = yield* workspace.prepare({
          id,
          url: repository.cloneUrl,
          auth: forge.gitAuthHeader,
          defaultBranch: repository.defaultBranch,
        })
        writeFiles(prepared.path, { "b.ts": "export const b = 2\n" })
        yield* workspace.commitAll(id, "Add b")
        yield* workspace.push(id, forge.gitAuthHeader)
        yield* workspace.push(id, forge.gitAuthHeader)
        return yield* workspace.head(id)
      }))
      assert.equal(yield* emulator.git("web", ["rev-parse", "refs/heads/agent/beef01"]), head)
      const gitRuns = commandLines.filter((line) => /\bgit(-remote-http)?\b.*\b(clone|push|http)/.test(line))
      assert.ok(gitRuns.length > 0, "the sampler saw git at work, so the check below means something")
      for (const form of forms) {
        assert.ok(!commandLines.some((line) => line.includes(form)), "the PAT is in no process's argv")
      }

      const dir = workspace.path(id)
      const config = fs.readFileSync(path.join(dir, ".git", "config"), "utf8")
      for (const form of forms) assert.ok(!config.includes(form), "the PAT is not in .git/config")
      assert.equal(yield* gitIn(dir, "remote", "get-url", "origin"), repository.cloneUrl)
      assert.doesNotMatch(yield* gitIn(dir, "remote", "get-url", "origin"), /@/)

      const gitRequests = (yield* emulator.requests).filter((r) => r.path.includes("/_git/"))
      assert.ok(gitRequests.some((r) => r.path.endsWith("/git-receive-pack")), "the push went over HTTP")
      assert.ok(gitRequests.every((r) => r.headers["authorization"] === `Basic ${btoa(`:${PAT}`)}`))
    }).pipe(Effect.provide(FetchHttpClient.layer)),
  { ignore: Deno.build.os !== "linux" },
)

it.live(
  "a wrong PAT fails with GitAuthFailed, leaves no workspace, and stays out of the stored error",
  () =>
    Effect.gen(function* () {
      const { emulator, forge, home, workspace } = yield* setup("a-wrong-pat-of-some-length")
      const url = emulator.repoUrl("web")
      const error = yield* Effect.flip(workspace.prepare({ id, url, auth: forge.gitAuthHeader, defaultBranch: "main" }))
      assert.equal(error._tag, "GitAuthFailed")
      assert.match(error.message, /git could not authenticate to http:\/\/127\.0\.0\.1:\d+\/org\/proj\/_git\/web/)
      assert.match(error.message, /check the PAT/)
      assert.deepEqual(fs.readdirSync(path.join(home, "workspaces")), [])

      // What the pipeline does with a failure: it becomes the ticket's stored reason.
      yield* Effect.gen(function* () {
        const store = yield* TicketStore
        const ticket = yield* store.create({ title: "t", description: "d", repoUrl: url, model: "m" })
        yield* store.transition(ticket.id, "FAILED", { error: error.message })
        assert.match((yield* store.get(ticket.id)).error ?? "", /git could not authenticate/)
      }).pipe(Effect.provide(storeAt(home)))
      const stored = fs.readdirSync(home).filter((f) => f.startsWith("devvy.db"))
      assert.ok(stored.length > 0)
      for (const file of stored) {
        const bytes = new TextDecoder("latin1").decode(fs.readFileSync(path.join(home, file)))
        for (const form of [...forms, "a-wrong-pat-of-some-length", btoa(":a-wrong-pat-of-some-length")]) {
          assert.ok(!bytes.includes(form), `the PAT is not in ${file}`)
        }
      }
    }).pipe(Effect.provide(FetchHttpClient.layer)),
)

it.live("no PAT at all fails fast instead of waiting on a prompt", () =>
  Effect.gen(function* () {
    const { emulator, workspace } = yield* setup()
    const url = emulator.repoUrl("web")
    const error = yield* Effect.flip(workspace.prepare({ id, url, auth: Option.none(), defaultBranch: "main" }))
    assert.equal(error._tag, "GitAuthFailed")
  }).pipe(Effect.provide(FetchHttpClient.layer)))

it.live("a repository the server does not have is GitRepositoryNotFound", () =>
  Effect.gen(function* () {
    const { emulator, forge, workspace } = yield* setup()
    const url = emulator.repoUrl("nope")
    const error = yield* Effect.flip(workspace.prepare({ id, url, auth: forge.gitAuthHeader, defaultBranch: "main" }))
    assert.equal(error._tag, "GitRepositoryNotFound")
  }).pipe(Effect.provide(FetchHttpClient.layer)))

it.live("a server error during the clone is retried and the clone completes", () =>
  Effect.gen(function* () {
    const { emulator, forge, workspace } = yield* setup()
    yield* emulator.injectFault({ status: 503, path: "/_git/", times: 1 })
    const url = emulator.repoUrl("web")
    const prepared = yield* workspace.prepare({ id, url, auth: forge.gitAuthHeader, defaultBranch: "main" })
    assert.equal(prepared.head, yield* emulator.git("web", ["rev-parse", "main"]))
    const statuses = (yield* emulator.requests).filter((r) => r.path.includes("/_git/")).map((r) => r.status)
    assert.equal(statuses[0], 503)
    assert.ok(statuses.slice(1).every((status) => status === 200))
  }).pipe(Effect.provide(FetchHttpClient.layer)))
