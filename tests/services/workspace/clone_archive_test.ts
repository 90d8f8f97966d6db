/**
 * What copy mode's seed needs from the workspace: a clone without its files, the commit the branch will
 * start from, a checkout that recovers from one cut short, and the commit's files as a tar that holds
 * exactly what the checkout writes.
 */
import assert from "node:assert/strict"
import { Effect, Option } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { TicketId } from "../../../src/domain/TicketId.ts"
import { readTar } from "../../../src/services/docker/tar_read.ts"
import { Workspace } from "../../../src/services/workspace/Workspace.ts"
import { it } from "../../support/effect_test.ts"
import { describeEntry, snapshot } from "../../support/folder_snapshot.ts"
import { commitFiles, gitIn, makeRepo, workspaceLayer } from "../../support/git_fixtures.ts"
import { makeTempDir } from "../../support/temp_home.ts"

const id = TicketId.make("c0ffee")
const none = Option.none()

const files = {
  "app.ts": "export {}\n",
  "src/deep/util.ts": "export const u = 1\n",
  ".gitattributes": "secret.txt export-ignore\nversion.txt export-subst\n",
  "secret.txt": "left out of archives by default\n",
  "version.txt": "$Format:%H$\n",
}

const setup = Effect.gen(function* () {
  const root = yield* makeTempDir()
  const remote = makeRepo(path.join(root, "server.git"), { bare: true, files })
  const home = path.join(root, "home")
  const workspace = yield* Effect.provide(Workspace, workspaceLayer(home))
  const input = { id, url: remote, auth: none, defaultBranch: "main" }
  return { root, remote, workspace, input, dir: path.join(home, "workspaces", id) }
})

it.live("a clone without checkout has the history and no files, and the branch is written from where it starts", () =>
  Effect.gen(function* () {
    const { remote, workspace, input, dir } = yield* setup
    const cloned = yield* workspace.clone(input, { checkout: false })
    assert.equal(cloned.reused, false)
    assert.deepEqual(fs.readdirSync(dir), [".git"])
    const start = yield* workspace.branchStart(id, "main")
    assert.equal(start, yield* gitIn(remote, "rev-parse", "main"))
    const prepared = yield* workspace.settle(input, cloned)
    assert.equal(prepared.head, start)
    assert.equal(prepared.branch, "agent/c0ffee")
    assert.equal(fs.readFileSync(path.join(dir, "src", "deep", "util.ts"), "utf8"), "export const u = 1\n")
    assert.equal(yield* gitIn(dir, "status", "--porcelain"), "")
  }))

it.live("a checkout cut short (files half written, no index) is finished by the next attempt, not refused", () =>
  Effect.gen(function* () {
    const { workspace, input, dir } = yield* setup
    const cloned = yield* workspace.clone(input, { checkout: false })
    // What a killed checkout leaves: some of the branch's files, one of them cut short, and no index.
    fs.writeFileSync(path.join(dir, "app.ts"), "exp")
    fs.mkdirSync(path.join(dir, "src", "deep"), { recursive: true })
    yield* workspace.settle(input, cloned)
    assert.equal(fs.readFileSync(path.join(dir, "app.ts"), "utf8"), "export {}\n")
    assert.equal(yield* gitIn(dir, "status", "--porcelain"), "")
  }))

it.live("the branch starts from the pushed agent branch when the remote has one", () =>
  Effect.gen(function* () {
    const { root, remote, workspace, input } = yield* setup
    const other = makeRepo(path.join(root, "other"), { files: { "x.txt": "x\n" } })
    yield* gitIn(other, "fetch", "--quiet", remote, "main")
    yield* gitIn(other, "checkout", "--quiet", "-B", "agent/c0ffee", "FETCH_HEAD")
    commitFiles(other, { "pushed.txt": "from an earlier run\n" }, "pushed work")
    yield* gitIn(other, "push", "--quiet", remote, "agent/c0ffee")
    yield* workspace.clone(input, { checkout: false })
    assert.equal(yield* workspace.branchStart(id, "main"), yield* gitIn(remote, "rev-parse", "agent/c0ffee"))
  }))

it.live(
  "the archive holds exactly the files the checkout writes: export-ignore and export-subst have no say, modes follow the umask",
  () =>
    Effect.gen(function* () {
      const { workspace, input, dir } = yield* setup
      const cloned = yield* workspace.clone(input, { checkout: false })
      const start = yield* workspace.branchStart(id, "main")
      const archived = new Map<string, string>()
      yield* Effect.scoped(Effect.gen(function* () {
        const tar = yield* workspace.archive(id, start, "workspace")
        const entries = yield* Effect.promise(() => Array.fromAsync(readTar(tar.stdout)))
        yield* tar.done
        for (const entry of entries) {
          const rel = entry.path.replace(/^workspace\/?/, "")
          if (rel === "" || entry.type === "hardlink") continue
          const body = entry.type === "symlink" ? entry.linkTarget : new TextDecoder().decode(entry.content)
          archived.set(rel, describeEntry(entry.type, entry.mode, body))
        }
      }))
      yield* workspace.settle(input, cloned)
      const mode = (0o666 & ~Deno.umask()).toString(8)
      assert.equal(archived.get("secret.txt"), `file ${mode} left out of archives by default\n`)
      assert.equal(archived.get("version.txt"), `file ${mode} $Format:%H$\n`)
      assert.deepEqual([...archived].sort(), [...snapshot(dir)].sort())
    }),
)

it.live("an archive of a commit the clone does not have fails with git's complaint", () =>
  Effect.gen(function* () {
    const { workspace, input } = yield* setup
    yield* workspace.clone(input, { checkout: false })
    const failed = yield* Effect.scoped(Effect.gen(function* () {
      const tar = yield* workspace.archive(id, "0".repeat(40), "workspace")
      yield* Effect.promise(() => Array.fromAsync(readTar(tar.stdout)))
      return yield* tar.done
    })).pipe(Effect.flip)
    assert.equal(failed._tag, "GitFailed")
    assert.match(failed.stderrTail, /not a (valid|tree)|bad|unknown/i)
  }))
