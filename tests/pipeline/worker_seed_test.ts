/**
 * Copy mode's seed against the real engine: a fresh clone's worker filled from the clone's history while
 * the host checks out, the whole copy when the two disagree, and no half-filled worker ever started or
 * copied back.
 */
import assert from "node:assert/strict"
import { Effect, Option } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { prepareEnv } from "../../src/pipeline/prepare_env.ts"
import { ensureWorker } from "../../src/pipeline/worker.ts"
import { invokingOwner, prepareWorkerRun, workspacePair, workspaceVolume } from "../../src/pipeline/worker_files.ts"
import { DevvyPaths } from "../../src/services/config/DevvyPaths.ts"
import { LocalForge } from "../../src/services/forge/local/LocalForge.ts"
import { ContainerCopies } from "../../src/services/docker/ContainerCopies.ts"
import { DockerEngine } from "../../src/services/docker/DockerEngine.ts"
import { endOfArchive, fileEntry } from "../../src/services/docker/tar.ts"
import { Workspace } from "../../src/services/workspace/Workspace.ts"
import type { TicketId } from "../../src/domain/TicketId.ts"
import { it } from "../support/effect_test.ts"
import { gitSync } from "../support/git_fixtures.ts"
import { turn } from "../support/mock_model/turns.ts"
import { newTicket, ticketHome } from "./support/ticket_harness.ts"

const inWorker = (container: string, script: string) =>
  Effect.gen(function* () {
    const lines: Array<string> = []
    const { exitCode } = yield* (yield* DockerEngine).exec(container, {
      cmd: ["sh", "-c", script],
      onLine: (_stream, line) => Effect.sync(() => lines.push(line)),
    })
    assert.equal(exitCode, 0, lines.join("\n"))
    return lines
  })

/** A repository with nested folders, an executable, a symlink and an ignored-by-export file. */
const origin = (repo: (files: Record<string, string>) => string) => {
  const dir = repo({
    "src/deep/a.txt": "a\n",
    "tool.sh": "echo tool\n",
    ".gitattributes": "notes.txt export-ignore\n",
    "notes.txt": "kept in the worker too\n",
  })
  fs.symlinkSync("src/deep/a.txt", path.join(dir, "link"))
  gitSync(dir, ["add", "link"])
  gitSync(dir, ["update-index", "--chmod=+x", "tool.sh"])
  gitSync(dir, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "--quiet", "-m", "link and tool"])
  return dir
}

/** Path, type, mode, owner, size and link target of everything under `root`, as find -printf lists them. */
const hostListing = (root: string): Array<string> => {
  const lines: Array<string> = []
  const visit = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel))) {
      const sub = rel === "" ? name : `${rel}/${name}`
      const info = fs.lstatSync(path.join(root, sub))
      const type = info.isSymbolicLink() ? "l" : info.isDirectory() ? "d" : "f"
      const size = type === "f" ? info.size : 0
      const link = type === "l" ? fs.readlinkSync(path.join(root, sub)) : ""
      lines.push(`${sub}|${type}|${(info.mode & 0o7777).toString(8)}|${invokingOwner().uid}|${size}|${link}`)
      if (type === "d") visit(sub)
    }
  }
  visit("")
  return lines.sort()
}

const workerListing = (container: string) =>
  inWorker(
    container,
    `cd /workspace && find . -mindepth 1 -printf '%P|%y|%m|%U|%s|%l\\n' | sed 's/^\\(.*|[dl]|.*|.*|\\)[0-9]*|/\\10|/'`,
  ).pipe(Effect.map((lines) => lines.sort()))

it.live(
  "a fresh clone's copy-mode worker, filled from the history while the host checks out, holds exactly the host's workspace with .git and .env, owned by the user, and nothing is left to send",
  () =>
    Effect.gen(function* () {
      const { home, repo, pipeline } = yield* ticketHome(() => turn.text("unused"))
      const envFile = path.join(home, "ticket.env")
      fs.writeFileSync(envFile, "TOKEN=abc\n")
      const url = origin(repo)
      yield* Effect.gen(function* () {
        const docker = yield* DockerEngine
        const ticket = yield* newTicket(url)
        yield* prepareEnv(ticket).pipe(Effect.provide(LocalForge.layer(url)))
        const [worker] = (yield* docker.listContainers({ "devvy.ticket": ticket.id })).filter((c) => c.running)
        assert.ok(worker !== undefined, "a running worker")
        const hostDir = path.join(home, "workspaces", ticket.id)
        assert.equal(fs.readFileSync(path.join(hostDir, ".env"), "utf8"), "TOKEN=abc\n")
        assert.deepEqual(yield* workerListing(worker.id), hostListing(hostDir))
        assert.deepEqual(
          yield* inWorker(worker.id, "cat /workspace/notes.txt /workspace/.env && git -C /workspace status --short"),
          ["kept in the worker too", "TOKEN=abc"],
        )
        const pair = workspacePair(yield* DevvyPaths, ticket.id, worker.id)
        assert.deepEqual(yield* (yield* ContainerCopies).push(pair, invokingOwner()), Option.some(0))
      }).pipe(
        Effect.scoped,
        Effect.provide(pipeline({ DEVVY_WORKSPACE_MODE: "copy", DEVVY_ENV_FILE: envFile })),
      )
    }),
  { sanitizeOps: false, sanitizeResources: false },
)

/**
 * A ticket on a fresh `origin()` whose host workspace is prepared (cloned and checked out), run in copy
 * mode; its containers, images and home go when the test ends.
 */
const withPreparedTicket = <A, E, R>(
  body: (
    ticket: { readonly id: TicketId; readonly path: string; readonly head: string },
    workerImage: string,
  ) => Effect.Effect<A, E, R>,
) =>
  Effect.gen(function* () {
    const { repo, pipeline, workerImage } = yield* ticketHome(() => turn.text("unused"))
    const url = origin(repo)
    return yield* Effect.gen(function* () {
      const ticket = yield* newTicket(url)
      const prepared = yield* (yield* Workspace).prepare({
        id: ticket.id,
        url,
        auth: Option.none(),
        defaultBranch: "main",
      })
      return yield* body({ id: ticket.id, path: prepared.path, head: prepared.head }, workerImage)
    }).pipe(Effect.scoped, Effect.provide(pipeline({ DEVVY_WORKSPACE_MODE: "copy" })))
  })

it.live(
  "when the host's checkout holds less than the history said, the worker is copied whole from the host instead",
  () =>
    withPreparedTicket((ticket) =>
      Effect.gen(function* () {
        // Something between the history and the files (a filter, a sparse checkout) left one file out.
        const hostReady = Effect.sync(() => fs.rmSync(path.join(ticket.path, "src", "deep", "a.txt")))
        const worker = yield* ensureWorker(ticket.id, { commit: ticket.head, hostReady })
        assert.deepEqual(
          yield* inWorker(worker, "test ! -e /workspace/src/deep/a.txt && test -f /workspace/.git/HEAD && echo ok"),
          ["ok"],
        )
        assert.deepEqual(yield* workerListing(worker), hostListing(ticket.path))
      })
    ),
  { sanitizeOps: false, sanitizeResources: false },
)

it.live(
  "a worker whose seeding fails is removed, and one a crash left unstarted is never copied back over the host",
  () =>
    withPreparedTicket((ticket, workerImage) =>
      Effect.gen(function* () {
        const docker = yield* DockerEngine
        const failing = { commit: ticket.head, hostReady: Effect.die("the checkout broke") }
        yield* Effect.exit(ensureWorker(ticket.id, failing))
        assert.deepEqual(yield* docker.listContainers({ "devvy.ticket": ticket.id }), [])

        // What a kill -9 during the copy leaves: a worker created, never started, half filled.
        const volume = workspaceVolume(ticket.id)
        const stale = yield* docker.createContainer({
          image: workerImage,
          name: `devvy-worker-${ticket.id}`,
          cmd: ["sleep", "infinity"],
          labels: { "devvy.ticket": ticket.id, "devvy.role": "worker" },
          volumes: [{ name: volume.name, target: "/workspace" }],
        })
        yield* docker.putArchive(
          stale,
          "/",
          ReadableStream.from([...fileEntry("workspace/half.txt", new TextEncoder().encode("half\n")), endOfArchive()]),
        )
        const worker = yield* ensureWorker(ticket.id)
        assert.notEqual(worker, stale)
        assert.equal(fs.existsSync(path.join(ticket.path, "half.txt")), false, "nothing came back from it")
        assert.equal(fs.readFileSync(path.join(ticket.path, "src", "deep", "a.txt"), "utf8"), "a\n")
      })
    ),
  { sanitizeOps: false, sanitizeResources: false },
)

it.live(
  "after a restart, the worker's copy of .git is replaced by the host's, so a commit made since the last sync is in it",
  () =>
    withPreparedTicket((ticket) =>
      Effect.gen(function* () {
        const worker = yield* ensureWorker(ticket.id)
        // devvy commits on this host what the worker already has; then the process dies before the next sync.
        const author = ["-c", "user.name=d", "-c", "user.email=d@d"]
        gitSync(ticket.path, [...author, "commit", "--allow-empty", "-qm", "on the host"])
        yield* prepareWorkerRun(ticket.id, worker).pipe(Effect.provide(ContainerCopies.Default))
        assert.deepEqual(
          yield* inWorker(worker, "git -C /workspace log -1 --format=%s && git -C /workspace status --porcelain"),
          ["on the host"],
        )
      })
    ),
  { sanitizeOps: false, sanitizeResources: false },
)
