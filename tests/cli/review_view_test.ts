import assert from "node:assert/strict"
import { Effect, Layer, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Identity } from "../../src/services/forge/Forge.ts"
import { devvyIdentity } from "../../src/services/forge/local/LocalForge.ts"
import { LocalPullRequests } from "../../src/services/forge/local/LocalPullRequests.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { devvy } from "../support/devvy_cli.ts"
import { commitFiles, gitSync, makeRepo } from "../support/git_fixtures.ts"
import { devvyOnTerminal } from "../support/pty.ts"
import { storeAt } from "../support/temp_home.ts"

const alice = new Identity({ id: "reviewer:alice", name: "alice" })

/** A ticket whose pull request on the local forge has two threads, each answered by devvy, one answered back. */
const reviewedPullRequest = async (root: string) => {
  const home = path.join(root, "home")
  const repo = makeRepo(path.join(root, "project"), { files: { "src/app.ts": "export const a = 1\n" } })
  return await Effect.runPromise(
    Effect.gen(function* () {
      const ticket = yield* (yield* TicketStore).create({
        title: "Add a greeting",
        description: "d",
        repoUrl: repo,
        model: "m/m",
      })
      gitSync(repo, ["checkout", "--quiet", "-b", ticket.branch])
      commitFiles(repo, { "src/app.ts": "export const a = 2\nexport const hello = 'hi'\n", "src/new.ts": "x\n" })
      gitSync(repo, ["checkout", "--quiet", "main"])
      const records = yield* LocalPullRequests
      const pr = yield* records.create({
        repository: repo,
        sourceBranch: ticket.branch,
        targetBranch: "main",
        title: "Add a greeting",
        description: "Adds `hello`.\n\nCloses the greeting ticket.",
      })
      const onLine = yield* records.addThread(pr.number, {
        author: alice,
        content: "Why 2?",
        filePath: Option.some("src/app.ts"),
        line: Option.some(1),
      })
      const whole = yield* records.addThread(pr.number, {
        author: alice,
        content: "Please add a test.",
        filePath: Option.none(),
        line: Option.none(),
      })
      yield* records.addComment(pr.number, Number(onLine), devvyIdentity, "The ticket asks for 2.")
      yield* records.addComment(pr.number, Number(whole), devvyIdentity, "Added src/app_test.ts.")
      yield* records.addComment(pr.number, Number(onLine), alice, "Fair enough.")
      return { home, id: ticket.id }
    }).pipe(Effect.provide(LocalPullRequests.Default.pipe(Layer.provideMerge(storeAt(home)))), Effect.scoped),
  )
}

const withRoot = async (body: (root: string) => Promise<void>) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "devvy-review-view-"))
  try {
    await body(root)
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
}

Deno.test("review with no action shows the title, description, diff stat and every thread with devvy's replies in order", () =>
  withRoot(async (root) => {
    const { home, id } = await reviewedPullRequest(root)
    const shown = await devvy(home, ["review", id])
    assert.equal(shown.code, 0, shown.stderr)
    const out = shown.stdout
    assert.match(out, /^Pull request #1: Add a greeting\nopen · agent\/[0-9a-f]{6} → main · file:\/\//)
    assert.match(out, /\n {2}Adds `hello`\.\n\n {2}Closes the greeting ticket\.\n/)
    assert.match(
      out,
      / src\/app\.ts \| 3 \+\+-\n src\/new\.ts \| 1 \+\n 2 files changed, 3 insertions\(\+\), 1 deletion\(-\)/,
    )
    assert.doesNotMatch(out, /^@@/m, "the stat, not the diff")
    const order = [
      "Thread 1 (1) on src/app.ts:1, active",
      "alice",
      "Why 2?",
      "devvy replied",
      "The ticket asks for 2.",
      "alice",
      "Fair enough.",
      "Thread 2 (2) on the whole change, active",
      "alice",
      "Please add a test.",
      "devvy replied",
      "Added src/app_test.ts.",
    ]
    let at = 0
    for (const text of order) {
      const found = out.indexOf(text, at)
      assert.ok(found >= 0, `"${text}" after position ${at} in:\n${out}`)
      at = found + text.length
    }
    assert.ok(!out.includes("\x1b["), "no colour off a terminal")
  }))

Deno.test("review --diff prints the whole diff off a terminal and pages it through $PAGER on one", () =>
  withRoot(async (root) => {
    const { home, id } = await reviewedPullRequest(root)
    const pager = { PAGER: "sed 's/^/paged: /'" }
    const plain = await devvy(home, ["review", id, "--diff"], pager)
    assert.equal(plain.code, 0, plain.stderr)
    assert.match(plain.stdout, /^-export const a = 1\n\+export const a = 2\n/m)
    assert.doesNotMatch(plain.stdout, /paged: /)
    assert.ok(plain.stdout.indexOf("Please add a test.") < plain.stdout.indexOf("diff --git"), "threads first")

    const terminal = await devvyOnTerminal(home, ["review", id, "--diff"], { ...pager, NO_COLOR: "1" })
    assert.equal(terminal.code, 0, terminal.output)
    assert.match(terminal.output, /paged: \+export const a = 2\r?\n/)
    assert.match(terminal.output, /paged: Pull request #1: Add a greeting/)
  }))

Deno.test("review refuses --diff with an action, and two actions at once", () =>
  withRoot(async (root) => {
    const { home, id } = await reviewedPullRequest(root)
    const both = await devvy(home, ["review", id, "--approve", "--diff"])
    assert.equal(both.code, 2)
    assert.match(both.stderr, /--diff shows the pull request/)
    const two = await devvy(home, ["review", id, "--approve", "--abandon"])
    assert.equal(two.code, 2)
    assert.match(two.stderr, /at most one of --comment, --approve or --abandon/)
  }))
