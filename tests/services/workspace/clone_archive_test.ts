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

/** Every path of the working tree, .git left out, with its content or link target and its mode. */
const treeOf = (dir: string, sub = ""): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const name of fs.readdirSync(path.join(dir, sub)).sort()) {
    const rel = sub === "" ? name : `${sub}/${name}`
    if (rel === ".git") continue
    const full = path.join(dir, rel)
    const info = fs.lstatSync(full)
    const mode = (info.mode & 0o7777).toString(8)
    if (info.isDirectory()) Object.assign(out, { [rel]: `dir ${mode}` }, treeOf(dir, rel))
    else if (info.isSymbolicLink()) out[rel] = `link ${fs.readlinkSync(full)}`
    else out[rel] = `${fs.readFileSync(full, "utf8")} ${mode}`
  }
  return out
}

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
      const archived: Record<string, string> = {}
      yield* Effect.scoped(Effect.gen(function* () {
        const tar = yield* workspace.archive(id, start, "workspace")
        const entries = yield* Effect.promise(() => Array.fromAsync(readTar(tar.stdout)))
        yield* tar.done
        for (const entry of entries) {
          const rel = entry.path.replace(/^workspace\/?/, "")
          if (rel === "") continue
          const mode = entry.mode.toString(8)
          archived[rel] = entry.type === "directory"
            ? `dir ${mode}`
            : entry.type === "symlink"
            ? `link ${entry.linkTarget}`
            : `${new TextDecoder().decode(entry.content)} ${mode}`
        }
      }))
      yield* workspace.settle(input, cloned)
      assert.equal(archived["secret.txt"], `left out of archives by default\n ${(0o666 & ~Deno.umask()).toString(8)}`)
      assert.match(archived["version.txt"], /^\$Format:%H\$\n/)
      assert.deepEqual(archived, treeOf(dir))
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
