import assert from "node:assert/strict"
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { it } from "../../../support/effect_test.ts"
import { makeTempDir } from "../../../support/temp_home.ts"
import { startGithubEmulator } from "../../../support/github_emulator/emulator.ts"
import { call, gitWith, localRepo } from "../../../support/github_emulator/client.ts"

const TOKEN = "ghp_" + "r".repeat(32) + "secret"

/** `acme/web` with pull request #1 from `feature/a`, and a clone of it under `dir/work`. */
const setup = Effect.gen(function* () {
  const dir = yield* makeTempDir()
  const from = yield* localRepo(path.join(dir, "seed"), { "src/a.ts": "one\ntwo\nthree\n", "b.txt": "b\n" }, {
    "feature/a": { "src/a.ts": "one\n2\nthree\n" },
  })
  const emulator = yield* startGithubEmulator({ token: TOKEN, repos: [{ name: "web", from }], maxPageSize: 100 })
  const repoApi = `${emulator.apiUrl}/repos/acme/web`
  const created = yield* call(`${repoApi}/pulls`, {
    token: TOKEN,
    method: "POST",
    body: { title: "Work", head: "feature/a", base: "main" },
  })
  assert.equal(created.status, 201)
  const git = gitWith(TOKEN)
  const cloned = yield* git(dir, "clone", "--quiet", "--branch", "feature/a", emulator.cloneUrl("web"), "work")
  assert.equal(cloned.code, 0, cloned.stderr)
  const work = path.join(dir, "work")
  const push = (file: string, content: string) =>
    Effect.gen(function* () {
      fs.writeFileSync(path.join(work, file), content)
      assert.equal((yield* git(work, "commit", "--quiet", "-am", `Change ${file}`)).code, 0)
      const pushed = yield* git(work, "push", "--quiet", "origin", "HEAD:refs/heads/feature/a")
      assert.equal(pushed.code, 0, pushed.stderr)
      return (yield* git(work, "rev-parse", "HEAD")).stdout
    })
  return { emulator, repoApi, dir, work, push }
})

it.live(
  "git clones and pushes with the token as x-access-token Basic auth, moving the pull request's head",
  () =>
    Effect.gen(function* () {
      const { emulator, repoApi, dir, work, push } = yield* setup
      assert.ok(!fs.readFileSync(path.join(work, ".git", "config"), "utf8").includes(TOKEN))
      const head = yield* push("b.txt", "changed\n")
      const pr = (yield* call(`${repoApi}/pulls/1`, { token: TOKEN })).body as { head: { sha: string } }
      assert.equal(pr.head.sha, head)
      const refused = yield* gitWith(undefined)(dir, "clone", "--quiet", emulator.cloneUrl("web"), "anonymous")
      assert.notEqual(refused.code, 0)
      const wrong = yield* gitWith("ghp_wrong")(dir, "clone", "--quiet", emulator.cloneUrl("web"), "wrong")
      assert.notEqual(wrong.code, 0)
      const requests = yield* emulator.requests
      assert.ok(requests.some((r) => r.url.endsWith("/git-receive-pack") && r.status === 200))
      assert.ok(
        requests.every((r) => !r.url.includes(TOKEN) && !r.body.includes(TOKEN)),
        "the token travels in headers",
      )
    }),
)

it.live(
  "review comments carry their thread and author, turn outdated when their file changes, and refuse nested replies",
  () =>
    Effect.gen(function* () {
      const { emulator, repoApi, push } = yield* setup
      const root = yield* emulator.review.lineComment("web", 1, { body: "Why 2?", path: "src/a.ts", line: 2 })
      yield* emulator.review.lineComment("web", 1, {
        body: "ignore me",
        path: "b.txt",
        line: 1,
        by: { login: "helper[bot]", association: "NONE" },
      })
      const comments = () =>
        call(`${repoApi}/pulls/1/comments`, { token: TOKEN }).pipe(
          Effect.map((a) => a.body as Array<Record<string, unknown> & { user: { login: string; type: string } }>),
        )
      const before = yield* comments()
      assert.equal(before[0].line, 2)
      assert.equal(before[0].original_line, 2)
      assert.equal(before[0].author_association, "MEMBER")
      assert.ok(!("in_reply_to_id" in before[0]), "a thread's root has no in_reply_to_id")
      assert.deepEqual(before[1].user, { ...before[1].user, login: "helper[bot]", type: "Bot" })

      const answered = yield* call(`${repoApi}/pulls/1/comments/${root}/replies`, {
        token: TOKEN,
        method: "POST",
        body: { body: "Fixed" },
      })
      assert.equal(answered.status, 201)
      const reply = answered.body as { id: number; in_reply_to_id: number; user: { login: string } }
      assert.equal(reply.in_reply_to_id, root)
      const nested = yield* call(`${repoApi}/pulls/1/comments/${reply.id}/replies`, {
        token: TOKEN,
        method: "POST",
        body: { body: "again" },
      })
      assert.equal(nested.status, 422)

      yield* push("src/a.ts", "one\ntwo\nthree\n")
      const after = yield* comments()
      assert.equal(after[0].line, null, "the commented file changed: the comment is outdated")
      assert.equal(after[0].original_line, 2)
      assert.equal(after[1].line, 1, "a file that did not change keeps its line")

      const reviewId = yield* emulator.review.submit("web", 1, {
        body: "Please also update the docs",
        state: "CHANGES_REQUESTED",
      })
      const single = yield* call(`${repoApi}/pulls/1/reviews/${reviewId}`, { token: TOKEN })
      assert.equal((single.body as { body: string }).body, "Please also update the docs")
      const reviews = (yield* call(`${repoApi}/pulls/1/reviews`, { token: TOKEN })).body as Array<
        { body: string; state: string; author_association: string }
      >
      assert.ok(reviews.filter((r) => r.body === "").length >= 3, "each line comment came inside an empty review")
      assert.deepEqual(reviews.at(-1), {
        ...reviews.at(-1),
        body: "Please also update the docs",
        state: "CHANGES_REQUESTED",
        author_association: "MEMBER",
      })
    }),
)

it.live(
  "merging plays a real git merge, the pull request reads closed and merged, and the issue it closes is closed",
  () =>
    Effect.gen(function* () {
      const { emulator, repoApi } = yield* setup
      const issue = yield* emulator.createIssue("web", { title: "Bug" })
      const patched = yield* call(`${repoApi}/pulls/1`, {
        token: TOKEN,
        method: "PATCH",
        body: { body: `Closes #${issue}` },
      })
      assert.equal(patched.status, 200)
      const outcome = yield* emulator.review.merge("web", 1)
      assert.equal(outcome._tag, "Merged")
      const pr = (yield* call(`${repoApi}/pulls/1`, { token: TOKEN })).body as Record<string, unknown>
      assert.equal(pr.state, "closed")
      assert.equal(pr.merged, true)
      assert.equal(typeof pr.merged_at, "string")
      assert.equal(yield* emulator.git("web", ["show", "main:src/a.ts"]), "one\n2\nthree")
      const listed = (yield* call(`${repoApi}/pulls?state=closed`, { token: TOKEN })).body as Array<
        { merged_at: unknown }
      >
      assert.notEqual(listed[0].merged_at, null)
      const closed = (yield* call(`${repoApi}/issues/${issue}`, { token: TOKEN })).body as { state: string }
      assert.equal(closed.state, "closed", "merging into the default branch closes the issue the body names")
    }),
)

it.live(
  "a new head passes its default checks, an injected failure shows, and the combined status stays pending",
  () =>
    Effect.gen(function* () {
      const { emulator, repoApi, push } = yield* setup
      const runs = (ref: string) =>
        call(`${repoApi}/commits/${encodeURIComponent(ref)}/check-runs`, { token: TOKEN }).pipe(
          Effect.map((a) =>
            a.body as { total_count: number; check_runs: Array<Record<string, unknown> & { output: unknown }> }
          ),
        )
      const green = yield* runs("feature/a")
      assert.deepEqual(green.check_runs.map((r) => [r.name, r.status, r.conclusion]), [[
        "build",
        "completed",
        "success",
      ]])
      yield* emulator.checks.fail("web", 1, { name: "build", log: "error TS2322\n" })
      yield* emulator.checks.fail("web", 1, { name: "lint", app: "ci-app", title: "2 problems", summary: "no-any" })
      const red = yield* runs("feature/a")
      assert.deepEqual(red.check_runs.map((r) => [r.name, r.conclusion]).sort(), [["build", "failure"], [
        "lint",
        "failure",
      ]])
      const lint = red.check_runs.find((r) => r.name === "lint")
      assert.deepEqual(lint?.output, { ...(lint?.output as object), title: "2 problems", summary: "no-any" })
      const status = (yield* call(`${repoApi}/commits/feature%2Fa/status`, { token: TOKEN })).body as { state: string }
      assert.equal(status.state, "pending", "no statuses: pending even with check runs")

      yield* push("b.txt", "fixed\n")
      const fixed = yield* runs("feature/a")
      assert.deepEqual(fixed.check_runs.map((r) => r.conclusion), ["success"], "the new head has nothing injected")
    }),
)

it.live(
  "a job log redirects to another origin that serves the log only without the Authorization header",
  () =>
    Effect.gen(function* () {
      const { emulator, repoApi } = yield* setup
      const jobId = yield* emulator.checks.fail("web", 1, {
        name: "build",
        log: "##[error]Process completed with exit code 2.\n",
      })
      const redirect = yield* call(`${repoApi}/actions/jobs/${jobId}/logs`, { token: TOKEN })
      assert.equal(redirect.status, 302)
      const location = redirect.headers.get("location") ?? ""
      assert.ok(location.startsWith(emulator.logUrl))
      assert.notEqual(new URL(location).origin, new URL(emulator.apiUrl).origin)
      const withToken = yield* call(location, { token: TOKEN })
      assert.equal(withToken.status, 400, "the pre-signed URL refuses a forwarded token")
      const plain = yield* Effect.promise(() => fetch(location).then((r) => r.text()))
      assert.equal(plain, "##[error]Process completed with exit code 2.\n")

      yield* emulator.checks.expireLogs(jobId)
      const expired = yield* call(`${repoApi}/actions/jobs/${jobId}/logs`, { token: TOKEN })
      assert.equal(expired.status, 410)
      const requests = yield* emulator.requests
      assert.ok(requests.some((r) => r.url.startsWith(emulator.logUrl) && r.headers.authorization === undefined))
    }),
)
