import assert from "node:assert/strict"
import { Effect, Layer } from "effect"
import { mostDrivenAtOnce } from "../pipeline/support/history.ts"
import { ticketHome } from "../pipeline/support/ticket_harness.ts"
import { it } from "../support/effect_test.ts"
import { startGithubEmulator } from "../support/github_emulator/emulator.ts"
import { watchKilledAndRestarted } from "./support/watch_cli.ts"

const token = "ghp_emulated" + "5".repeat(28)
const repoFiles = { "README.md": "# web\n", "src/scripts/run-tests.sh": "grep -q '^hello' hello.txt\n" }
const options = { sanitizeOps: false, sanitizeResources: false }

it.live(
  "watch over GitHub issues makes one ticket per open issue labelled devvy, at most two driven at once, and " +
    "after a kill -9 and a restart merges each once with Closes #N and two comments; other issues are left alone",
  () =>
    Effect.gen(function* () {
      const gh = yield* startGithubEmulator({ token, repos: [{ name: "web", files: repoFiles }] })
      // Its cleanup ends any driver, container and image the tickets in the home still have, pass or fail.
      // Each ticket adds a file of its own besides hello.txt: GitHub refuses a pull request with nothing new
      // (422 "No commits between"), which a ticket started after another merged would otherwise open.
      const fixture = yield* ticketHome({
        implement: { "hello.txt": "hello\n" },
        implementCommands: ['echo hello > "$(mktemp -p . hello-XXXXXX.txt)"'],
      })
      const first = yield* gh.createIssue("web", { title: "Say hello", labels: ["devvy"] })
      const second = yield* gh.createIssue("web", { title: "Wave", body: "Say hello too.", labels: ["ui", "devvy"] })
      const unlabelled = yield* gh.createIssue("web", { title: "Why hello?", labels: ["question"] })
      const closed = yield* gh.createIssue("web", { title: "Old hello", labels: ["devvy"], state: "closed" })
      const third = yield* gh.createIssue("web", { title: "Hello again", labels: ["devvy"] })
      const watched = [first, second, third]
      const env = {
        ...fixture.env,
        DEVVY_GITHUB_TOKEN: token,
        DEVVY_GITHUB_API_URL: gh.apiUrl,
        DEVVY_REPO_URL: gh.repoUrl("web"),
        NO_COLOR: "1",
      }
      const pullRequests = Effect.map(gh.issues("web"), (all) => all.filter((i) => i.pull !== undefined))
      const { tickets, histories } = yield* watchKilledAndRestarted(fixture.home, env, 2, {
        items: watched.length,
        merge: (t) =>
          Effect.gen(function* () {
            const pr = (yield* pullRequests).find((p) => p.number === t.prNumber)
            if (pr?.state === "open") yield* gh.review.merge("web", pr.number)
          }),
        commentCounts: Effect.forEach(watched, (n) => Effect.map(gh.issueComments("web", n), (c) => c.length)),
      })

      assert.deepEqual(
        tickets.map((t) => t.source).sort((a, b) => Number(a?.id) - Number(b?.id)),
        watched.map((n) => ({ forge: "github", id: String(n), url: `${gh.repoUrl("web")}/issues/${n}` })),
      )
      const prs = yield* pullRequests
      assert.equal(prs.length, 3, "one pull request per ticket")
      for (const t of tickets) {
        const number = Number(t.source?.id)
        const pr = prs.find((p) => p.number === t.prNumber)
        assert.match(pr?.body ?? "", new RegExp(`\\n\\nCloses #${number}$`), `the PR of #${number}`)
        const comments = yield* gh.issueComments("web", number)
        assert.equal(comments.length, 2, `comments on #${number}: ${JSON.stringify(comments.map((c) => c.body))}`)
        assert.ok(comments.every((c) => c.user.login === gh.login))
        assert.match(
          comments[0].body,
          new RegExp(`opened a pull request for this, ticket ${t.id}: .*/pull/${pr?.number}`),
        )
        assert.match(comments[1].body, /was merged/)
        const issue = (yield* gh.issues("web")).find((i) => i.number === number)
        assert.equal(issue?.state, "closed", `merging the PR closed #${number}`)
      }
      for (const number of [unlabelled, closed]) {
        assert.deepEqual(yield* gh.issueComments("web", number), [], `nothing said on #${number}`)
      }
      assert.equal(mostDrivenAtOnce(histories), 2, "two tickets driven at once, never three")
    }),
  Layer.empty,
  options,
)
