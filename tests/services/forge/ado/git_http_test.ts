import assert from "node:assert/strict"
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { it } from "../../../support/effect_test.ts"
import { makeTempDir } from "../../../support/temp_home.ts"
import { startAdoEmulator } from "../../../support/ado_emulator/emulator.ts"
import { gitWithHeader } from "../../../support/git_server/client.ts"

const PAT = "x".repeat(52) + "patsecret" + "y".repeat(23)

/** git with the PAT as an extra header through its environment: neither argv nor .git/config see it. */
const gitWith = (pat: string | undefined) =>
  gitWithHeader(pat === undefined ? undefined : `Authorization: Basic ${btoa(`:${pat}`)}`)

it.live(
  "git clones and pushes over HTTP through the emulator with the PAT passed in git's environment",
  () =>
    Effect.gen(function* () {
      const emulator = yield* startAdoEmulator({
        pat: PAT,
        project: "My Project",
        repos: [{ name: "web app", files: { "README.md": "hello\n" } }],
      })
      const dir = yield* makeTempDir()
      const git = gitWith(PAT)
      const cloned = yield* git(dir, "clone", "--quiet", emulator.repoUrl("web app"), "work")
      assert.equal(cloned.code, 0, cloned.stderr)
      const work = path.join(dir, "work")
      assert.equal(fs.readFileSync(path.join(work, "README.md"), "utf8"), "hello\n")
      assert.ok(!fs.readFileSync(path.join(work, ".git", "config"), "utf8").includes("Authorization"))

      fs.writeFileSync(path.join(work, "change.txt"), "work\n")
      assert.equal((yield* git(work, "add", "change.txt")).code, 0)
      assert.equal((yield* git(work, "commit", "--quiet", "-m", "Change")).code, 0)
      const pushed = yield* git(work, "push", "--quiet", "origin", "HEAD:refs/heads/agent/abc123")
      assert.equal(pushed.code, 0, pushed.stderr)

      const remoteHead = yield* emulator.git("web app", ["rev-parse", "refs/heads/agent/abc123"])
      const localHead = yield* Effect.promise(() =>
        new Deno.Command("git", { args: ["rev-parse", "HEAD"], cwd: work }).output()
      ).pipe(Effect.map((o) => new TextDecoder().decode(o.stdout).trim()))
      assert.equal(remoteHead, localHead)

      const requests = yield* emulator.requests
      assert.ok(requests.some((r) => r.path.includes("git-receive-pack") && r.status === 200))
      assert.ok(requests.every((r) => !JSON.stringify(r).includes(PAT)), "the raw PAT never travels")
    }),
)

it.live(
  "git over HTTP fails fast, without prompting, when the PAT is wrong or missing",
  () =>
    Effect.gen(function* () {
      const emulator = yield* startAdoEmulator({ pat: PAT, repos: [{ name: "repo", files: { "a.txt": "a\n" } }] })
      const dir = yield* makeTempDir()
      const wrong = yield* gitWith("not-the-pat")(dir, "clone", "--quiet", emulator.repoUrl("repo"), "wrong")
      assert.notEqual(wrong.code, 0)
      assert.match(wrong.stderr, /401|Authentication failed|could not read Username/)
      const missing = yield* gitWith(undefined)(dir, "clone", "--quiet", emulator.repoUrl("repo"), "missing")
      assert.notEqual(missing.code, 0)
      assert.match(missing.stderr, /terminal prompts disabled|could not read Username/)
      assert.ok(!fs.existsSync(path.join(dir, "wrong", "a.txt")))
    }),
)

it.live(
  "completing a pull request merges its branch into the target inside the bare repository",
  () =>
    Effect.gen(function* () {
      const emulator = yield* startAdoEmulator({ pat: PAT, repos: [{ name: "repo", files: { "a.txt": "a\n" } }] })
      const dir = yield* makeTempDir()
      const git = gitWith(PAT)
      assert.equal((yield* git(dir, "clone", "--quiet", emulator.repoUrl("repo"), "w")).code, 0)
      const work = path.join(dir, "w")
      fs.writeFileSync(path.join(work, "b.txt"), "b\n")
      yield* git(work, "add", "b.txt")
      yield* git(work, "commit", "--quiet", "-m", "Add b")
      assert.equal((yield* git(work, "push", "--quiet", "origin", "HEAD:refs/heads/agent/abc123")).code, 0)
      // The target moves on meanwhile, so completing needs a merge commit rather than a fast-forward.
      yield* git(work, "checkout", "--quiet", "-b", "other", "origin/main")
      fs.writeFileSync(path.join(work, "c.txt"), "c\n")
      yield* git(work, "add", "c.txt")
      yield* git(work, "commit", "--quiet", "-m", "Add c")
      assert.equal((yield* git(work, "push", "--quiet", "origin", "HEAD:refs/heads/main")).code, 0)

      const response = yield* Effect.promise(() =>
        fetch(`${emulator.orgUrl}/proj/_apis/git/repositories/repo/pullrequests?api-version=7.1`, {
          method: "POST",
          headers: { authorization: `Basic ${btoa(":" + PAT)}`, "content-type": "application/json" },
          body: JSON.stringify({
            sourceRefName: "refs/heads/agent/abc123",
            targetRefName: "refs/heads/main",
            title: "T",
          }),
        }).then(async (r) => ({ status: r.status, body: await r.json() }))
      )
      assert.equal(response.status, 201)
      const outcome = yield* emulator.review.complete(response.body.pullRequestId)
      assert.equal(outcome._tag, "Merged")
      assert.ok(outcome._tag === "Merged" && !outcome.fastForward)
      const files = yield* emulator.git("repo", ["ls-tree", "--name-only", "refs/heads/main"])
      assert.deepEqual(files.split("\n"), ["a.txt", "b.txt", "c.txt"])
      const [pr] = yield* emulator.pullRequests
      assert.equal(pr.status, "completed")
    }),
)
