import assert from "node:assert/strict"
import { Effect } from "effect"
import { detached, statusOf, until } from "../support/devvy_cli.ts"
import { it } from "../support/effect_test.ts"
import { startGithubEmulator } from "../support/github_emulator/emulator.ts"
import { ticketHome } from "./support/ticket_harness.ts"

const token = "ghp_emulated" + "3".repeat(28)
const repoFiles = { "README.md": "# web\n", "src/scripts/run-tests.sh": "grep -q '^hello' hello.txt\n" }
const options = { sanitizeOps: false, sanitizeResources: false }

it.live(
  "run --issue: the issue's repository and text, a PR whose body ends with Closes #N, two comments on the issue, MERGED",
  () =>
    Effect.gen(function* () {
      const gh = yield* startGithubEmulator({ token, repos: [{ name: "web", files: repoFiles }] })
      const { cli: run } = yield* ticketHome({ implement: { "hello.txt": "hello\n" } }, {
        DEVVY_GITHUB_TOKEN: token,
        DEVVY_GITHUB_API_URL: gh.apiUrl,
      })
      const number = yield* gh.createIssue("web", { title: "Say hello", body: "Add `hello.txt` saying hello." })
      const url = `${gh.webUrl}/${gh.owner}/web/issues/${number}`
      const id = yield* detached(run, "--issue", url)
      const again = yield* run("run", "--issue", url)
      assert.equal(again.code, 2)
      assert.equal(again.stdout.trim(), id)

      yield* until(statusOf(run, id), (s) => s.state === "WAIT_FOR_REVIEW", "the ticket waiting for review")
      const [pr] = (yield* gh.issues("web")).filter((i) => i.pull !== undefined)
      assert.match(pr.body, new RegExp(`\\n\\nCloses #${number}$`))
      yield* gh.review.merge("web", pr.number)
      yield* until(statusOf(run, id), (s) => s.state === "MERGED", "the ticket merged")
      const status = yield* run("status", id, "--json")
      assert.deepEqual(JSON.parse(status.stdout).source, { forge: "github", id: String(number), url })
      const comments = yield* until(
        gh.issueComments("web", number),
        (all) => all.length >= 2,
        "the closing comment",
      )
      assert.equal(comments.length, 2)
      assert.match(comments[0].body, new RegExp(`opened a pull request for this, ticket ${id}: .*/pull/${pr.number}`))
      assert.match(comments[1].body, /was merged/)
      const issue = (yield* gh.issues("web")).find((i) => i.number === number)
      assert.equal(issue?.state, "closed", "merging the PR closed the issue it names")
    }),
  options,
)
