/**
 * The worker in copy mode against the real engine: no mount at all, the workspace, the agent directory
 * and the read-only files copied in, and after a run the agent's work, its session data and the OAuth
 * tokens it refreshed copied back — also from a worker that stopped before anything came back.
 */
import assert from "node:assert/strict"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { ensureWorker, removeWorkers } from "../../src/pipeline/worker.ts"
import { copyOutOfWorker, copyWorkspaceOut, prepareWorkerRun } from "../../src/pipeline/worker_files.ts"
import { AgentCredentials } from "../../src/services/agent/AgentCredentials.ts"
import { workerPaths } from "../../src/services/agent/credentials.ts"
import { DockerEngine } from "../../src/services/docker/DockerEngine.ts"
import { copyFolderOut } from "../../src/services/docker/folder_copy.ts"
import { it } from "../support/effect_test.ts"
import { snapshot } from "../support/folder_snapshot.ts"
import { turn } from "../support/mock_model/turns.ts"
import { newTicket, ticketHome } from "./support/ticket_harness.ts"

const inWorker = (container: string, script: string, ...args: Array<string>) =>
  Effect.gen(function* () {
    const lines: Array<string> = []
    const { exitCode } = yield* (yield* DockerEngine).exec(container, {
      cmd: ["sh", "-c", script, "sh", ...args],
      onLine: (_stream, line) => Effect.sync(() => lines.push(line)),
    })
    assert.equal(exitCode, 0, lines.join("\n"))
    return lines
  })

const oauth = (access: string, expires: number) => ({ mock: { type: "oauth", refresh: "r", access, expires } })

it.live(
  "a copy-mode worker has no bind mount, only the ticket's workspace volume, gets the workspace and the agent's files, gives back its work and refreshed tokens, and gets the host's later changes",
  () =>
    Effect.gen(function* () {
      const { home, pipeline } = yield* ticketHome(() => turn.text("unused"))
      const userData = path.join(home, "user-data")
      const hostAuth = path.join(userData, "opencode", "auth.json")
      fs.mkdirSync(path.dirname(hostAuth), { recursive: true })
      fs.writeFileSync(hostAuth, JSON.stringify(oauth("old", 1000)), { mode: 0o600 })
      const settings = { DEVVY_WORKSPACE_MODE: "copy", XDG_DATA_HOME: userData }
      yield* Effect.gen(function* () {
        const docker = yield* DockerEngine
        const credentials = yield* AgentCredentials
        const ticket = yield* newTicket(path.join(home, "origin"))
        const workspace = path.join(home, "workspaces", ticket.id)
        fs.mkdirSync(path.join(workspace, ".git"), { recursive: true })
        fs.writeFileSync(path.join(workspace, "a.txt"), "from the host\n")
        fs.writeFileSync(path.join(workspace, ".env"), "SECRET=1\n")
        yield* Effect.addFinalizer(() =>
          Effect.zipRight(removeWorkers(ticket.id), credentials.remove(ticket.id)).pipe(Effect.ignore)
        )

        const worker = yield* ensureWorker(ticket.id)
        assert.deepEqual((yield* docker.inspectContainer(worker)).mounts, [{
          type: "volume",
          destination: "/workspace",
        }])
        const seen = yield* inWorker(
          worker,
          `cat /workspace/a.txt /workspace/.env && test -w /workspace && test -f ${workerPaths.opencodeConfig} && ` +
            `stat -c %u /workspace/a.txt`,
        )
        assert.deepEqual(seen, ["from the host", "SECRET=1", String(Deno.uid())])

        // A run: the auth copy goes in, opencode refreshes it and writes its session, the agent edits a file.
        yield* prepareWorkerRun(ticket.id, worker)
        yield* inWorker(
          worker,
          `grep -q old ${workerPaths.authFile} && printf '%s' "$1" > ${workerPaths.authFile} && ` +
            `mkdir -p ${workerPaths.dataHome}/opencode/storage && echo s > ${workerPaths.dataHome}/opencode/storage/ses && ` +
            `echo changed > /workspace/a.txt`,
          JSON.stringify(oauth("new", 9_999_999_999_999)),
        )
        yield* copyOutOfWorker(ticket.id, worker)
        assert.equal(fs.readFileSync(path.join(workspace, "a.txt"), "utf8"), "changed\n")
        assert.deepEqual(JSON.parse(fs.readFileSync(hostAuth, "utf8")), oauth("new", 9_999_999_999_999))
        const agentData = path.join(home, "agent", ticket.id, "data", "opencode")
        assert.equal(fs.readFileSync(path.join(agentData, "storage", "ses"), "utf8"), "s\n")

        // What changes on the host between runs (format.sh's changes, a commit) reaches the worker before the
        // next run, and bringing the run's work back does not undo it.
        fs.writeFileSync(path.join(workspace, "a.txt"), "formatted on the host\n")
        fs.writeFileSync(path.join(workspace, "c.txt"), "new on the host\n")
        fs.rmSync(path.join(workspace, ".env"))
        yield* prepareWorkerRun(ticket.id, worker)
        assert.deepEqual(
          yield* inWorker(worker, "cat /workspace/a.txt /workspace/c.txt && test ! -e /workspace/.env && echo gone"),
          ["formatted on the host", "new on the host", "gone"],
        )
        yield* copyOutOfWorker(ticket.id, worker)
        assert.equal(fs.readFileSync(path.join(workspace, "a.txt"), "utf8"), "formatted on the host\n")

        // Work left in a worker that stopped before it came back is not lost with the worker.
        yield* inWorker(worker, "echo unsaved > /workspace/b.txt")
        yield* docker.stopContainer(worker, { timeout: "1 second" })
        const next = yield* ensureWorker(ticket.id)
        assert.notEqual(next, worker)
        assert.equal(fs.readFileSync(path.join(workspace, "b.txt"), "utf8"), "unsaved\n")
        assert.deepEqual(yield* inWorker(next, "cat /workspace/b.txt"), ["unsaved"])
      }).pipe(Effect.scoped, Effect.provide(pipeline(settings)))
    }),
  { sanitizeOps: false, sanitizeResources: false },
)

const oddName = "with space\nand newline.txt"

/** A worker on a workspace of a few files, folders, a link and an executable-to-be, after its first run began. */
const workerOn = (home: string) =>
  Effect.gen(function* () {
    const credentials = yield* AgentCredentials
    const ticket = yield* newTicket(path.join(home, "origin"))
    const workspace = path.join(home, "workspaces", ticket.id)
    const files: Record<string, string> = {
      ".git/HEAD": "ref: refs/heads/main\n",
      "edit.txt": "before\n",
      "same.txt": "untouched\n",
      "probe.txt": "the container's\n",
      "gone.txt": "bye\n",
      "gone-dir/a.txt": "a\n",
      "gone-dir/deep/b.txt": "b\n",
      "tool.sh": "echo tool\n",
      "src/lib/nested.ts": "export {}\n",
      [oddName]: "odd\n",
    }
    for (const [file, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true })
      fs.writeFileSync(path.join(workspace, file), content, { mode: 0o644 })
    }
    fs.symlinkSync("same.txt", path.join(workspace, "link"))
    yield* Effect.addFinalizer(() =>
      Effect.zipRight(removeWorkers(ticket.id), credentials.remove(ticket.id)).pipe(Effect.ignore)
    )
    const worker = yield* ensureWorker(ticket.id)
    yield* prepareWorkerRun(ticket.id, worker)
    // Changed on this host only, with another size: a download of the whole copy would put the worker's back.
    fs.writeFileSync(path.join(workspace, "probe.txt"), "this host's own, longer\n")
    return { ticket, workspace, worker }
  })

it.live(
  "only what the agent changed comes back, and the workspace ends as a download of the whole copy leaves it: an edit, a new nested folder, deletions, an executable bit, a link become a file, an odd name, and nothing of .git",
  () =>
    Effect.gen(function* () {
      const { home, pipeline } = yield* ticketHome(() => turn.text("unused"))
      yield* Effect.gen(function* () {
        const { ticket, workspace, worker } = yield* workerOn(home)
        yield* inWorker(
          worker,
          `cd /workspace && echo after > edit.txt && echo "export const x = 1" > src/lib/nested.ts && mkdir -p new/deeper && echo fresh > new/deeper/n.txt && ` +
            `rm gone.txt && rm -r gone-dir && chmod +x tool.sh && rm link && echo now a file > link && ` +
            `echo odd, changed > "$1" && echo evil > .git/HEAD && mkdir -p .git/hooks && echo x > .git/hooks/pre-commit`,
          oddName,
        )
        assert.equal(yield* copyWorkspaceOut(ticket.id, worker), true)

        assert.equal(fs.readFileSync(path.join(workspace, "edit.txt"), "utf8"), "after\n")
        assert.equal(fs.readFileSync(path.join(workspace, "src/lib/nested.ts"), "utf8"), "export const x = 1\n")
        assert.equal(fs.readFileSync(path.join(workspace, "new/deeper/n.txt"), "utf8"), "fresh\n")
        assert.equal(fs.existsSync(path.join(workspace, "gone.txt")), false)
        assert.equal(fs.existsSync(path.join(workspace, "gone-dir")), false)
        assert.equal(fs.statSync(path.join(workspace, "tool.sh")).mode & 0o111, 0o111)
        assert.equal(fs.lstatSync(path.join(workspace, "link")).isFile(), true)
        assert.equal(fs.readFileSync(path.join(workspace, "link"), "utf8"), "now a file\n")
        assert.equal(fs.readFileSync(path.join(workspace, oddName), "utf8"), "odd, changed\n")
        assert.equal(fs.readFileSync(path.join(workspace, ".git/HEAD"), "utf8"), "ref: refs/heads/main\n")
        assert.equal(fs.existsSync(path.join(workspace, ".git/hooks")), false)
        // Not fetched, as the worker did not change it.
        assert.equal(fs.readFileSync(path.join(workspace, "probe.txt"), "utf8"), "this host's own, longer\n")

        const whole = path.join(home, "whole")
        fs.mkdirSync(whole)
        yield* copyFolderOut(yield* DockerEngine, { container: worker, containerPath: "/workspace", hostDir: whole })
        const [incremental, downloaded] = [snapshot(workspace), snapshot(whole)]
        for (const side of [incremental, downloaded]) side.delete("probe.txt")
        assert.deepEqual(incremental, downloaded)

        // Nothing changed since: nothing to bring back.
        assert.equal(yield* copyWorkspaceOut(ticket.id, worker), false)
      }).pipe(Effect.scoped, Effect.provide(pipeline({ DEVVY_WORKSPACE_MODE: "copy" })))
    }),
  { sanitizeOps: false, sanitizeResources: false },
)

it.live(
  "without its mark the worker's whole workspace comes back, changes and all",
  () =>
    Effect.gen(function* () {
      const { home, pipeline } = yield* ticketHome(() => turn.text("unused"))
      yield* Effect.gen(function* () {
        const { ticket, workspace, worker } = yield* workerOn(home)
        yield* inWorker(worker, "rm /tmp/.devvy-copied && echo after > /workspace/edit.txt && rm /workspace/gone.txt")
        assert.equal(yield* copyWorkspaceOut(ticket.id, worker), true)
        assert.equal(fs.readFileSync(path.join(workspace, "edit.txt"), "utf8"), "after\n")
        assert.equal(fs.existsSync(path.join(workspace, "gone.txt")), false)
        // The whole copy came: the worker's version of what only this host changed, too.
        assert.equal(fs.readFileSync(path.join(workspace, "probe.txt"), "utf8"), "the container's\n")
      }).pipe(Effect.scoped, Effect.provide(pipeline({ DEVVY_WORKSPACE_MODE: "copy" })))
    }),
  { sanitizeOps: false, sanitizeResources: false },
)
