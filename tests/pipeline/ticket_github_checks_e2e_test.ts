/**
 * FIX_CHECKS end to end on GitHub: the real pipeline against the GitHub emulator, whose Actions job fails
 * on the pull request's head with a log served from another origin through GitHub's redirect.
 */
import assert from "node:assert/strict"
import { Effect, Fiber, Schedule } from "effect"
import { NOTICE_START } from "../../src/pipeline/checks/verdict.ts"
import { driveTicket } from "../../src/pipeline/runner.ts"
import { CheckRounds } from "../../src/services/store/CheckRounds.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { it } from "../support/effect_test.ts"
import { type GithubEmulator, startGithubEmulator } from "../support/github_emulator/emulator.ts"
import { awaitReview, transitionLog, untilTransitions } from "./support/review_driver.ts"
import { newTicket, ticketHome } from "./support/ticket_harness.ts"

const token = "ghp_emulated" + "3".repeat(28)
const repoFiles = { "README.md": "# web\n", "src/scripts/run-tests.sh": "grep -q '^hello' hello.txt\n" }
const options = { sanitizeOps: false, sanitizeResources: false }

const fixCommits = (gh: GithubEmulator, ref: string) =>
  Effect.map(
    gh.git("web", ["log", "--format=%s", ref]),
    (out) => out.split("\n").filter((s) => s.startsWith("Fix failing checks")),
  )

const notices = (gh: GithubEmulator, pr: number) =>
  Effect.map(gh.issueComments("web", pr), (all) => all.filter((c) => c.body.startsWith(NOTICE_START)))

it.live(
  "a failing Actions job's log reaches the agent through the redirect, the fix is pushed, checks pass, the PR merges",
  () =>
    Effect.gen(function* () {
      const gh = yield* startGithubEmulator({ token, repos: [{ name: "web", files: repoFiles }] })
      const { pipeline, model } = yield* ticketHome({
        implement: { "hello.txt": "hello\n" },
        checkFixes: [{ "hello.txt": "hello.\n" }],
      }, { DEVVY_GITHUB_TOKEN: token, DEVVY_GITHUB_API_URL: gh.apiUrl })
      yield* Effect.gen(function* () {
        const ticket = yield* newTicket(gh.repoUrl("web"))
        const ci = Effect.gen(function* () {
          const pr = yield* awaitReview(ticket.id)
          yield* gh.checks.fail("web", pr, {
            name: "build",
            conclusion: "failure",
            log: "2026-01-01T10:00:00.1234567Z npm run lint\n" +
              "2026-01-01T10:00:01.0000000Z hello.txt:1 must end with a full stop\n" +
              "2026-01-01T10:00:02.0000000Z ##[error]Process completed with exit code 1.\n",
          })
          yield* untilTransitions(ticket.id, "FIX_CHECKS", "VALIDATE")
          yield* untilTransitions(ticket.id, "VALIDATE", "WAIT_FOR_REVIEW")
          yield* gh.review.merge("web", pr)
        })
        const log = transitionLog()
        const [done] = yield* Effect.all([driveTicket(ticket.id, log.record), ci], { concurrency: 2 })
        assert.equal(done.state, "MERGED")
        assert.ok(log.seen.includes("WAIT_FOR_REVIEW→FIX_CHECKS") && log.seen.includes("FIX_CHECKS→VALIDATE"))
        assert.equal(yield* gh.git("web", ["show", "main:hello.txt"]), "hello.")
        assert.equal((yield* fixCommits(gh, "main")).length, 1)
        const prompt = model.requests.map((r) => r.lastUserText).find((t) => t.includes("CI checks failed"))
        assert.ok(prompt !== undefined)
        assert.match(prompt, /^hello\.txt:1 must end with a full stop$/m)
        assert.ok(!prompt.includes("2026-01-01T10:00"), "no runner timestamps")
        const requests = yield* gh.requests
        assert.ok(requests.some((r) => r.url.startsWith(gh.logUrl) && r.status === 200), "the log was downloaded")
        assert.ok(requests.filter((r) => r.url.startsWith(gh.logUrl)).every((r) => !("authorization" in r.headers)))
      }).pipe(Effect.provide(pipeline()))
    }),
  options,
)

it.live(
  "on GitHub a job that keeps failing gets exactly max_check_fix_attempts rounds and one PR comment; the ticket waits",
  () =>
    Effect.gen(function* () {
      const gh = yield* startGithubEmulator({ token, repos: [{ name: "web", files: repoFiles }] })
      const { pipeline } = yield* ticketHome({
        implement: { "hello.txt": "hello\n" },
        checkFixes: [{ "try.txt": "1\n" }, { "try.txt": "2\n" }, { "try.txt": "3\n" }],
      }, { DEVVY_GITHUB_TOKEN: token, DEVVY_GITHUB_API_URL: gh.apiUrl, DEVVY_MAX_CHECK_FIX_ATTEMPTS: "2" })
      yield* Effect.gen(function* () {
        const store = yield* TicketStore
        const ticket = yield* newTicket(gh.repoUrl("web"))
        const driver = yield* Effect.forkScoped(driveTicket(ticket.id, () => Effect.void))
        const pr = yield* awaitReview(ticket.id)
        const branch = `refs/heads/${ticket.branch}`
        // The repository's CI: every head devvy pushes fails the same way.
        let failedHead = ""
        const ci = Effect.gen(function* () {
          const head = yield* gh.git("web", ["rev-parse", branch])
          if (head !== failedHead) {
            yield* gh.checks.add("web", head, { name: "build", conclusion: "failure", log: "e2e: connection refused" })
            failedHead = head
          }
        }).pipe(Effect.repeat(Schedule.spaced("200 millis")))
        const ciFiber = yield* Effect.forkScoped(ci)
        yield* notices(gh, pr).pipe(
          Effect.repeat({ until: (n) => n.length > 0, schedule: Schedule.spaced("200 millis") }),
          Effect.timeoutFail({ duration: "10 minutes", onTimeout: () => new Error("no notice on the pull request") }),
        )
        yield* untilTransitions(ticket.id, "FIX_CHECKS", "WAIT_FOR_REVIEW")
        // Several more polls of a red head: nothing more happens.
        yield* Effect.sleep("4 seconds")
        yield* Fiber.interrupt(driver)
        yield* Fiber.interrupt(ciFiber)

        assert.equal((yield* store.get(ticket.id)).state, "WAIT_FOR_REVIEW")
        const history = yield* store.history(ticket.id)
        assert.equal(history.filter((h) => h.from === "FIX_CHECKS" && h.to === "VALIDATE").length, 2)
        assert.equal((yield* fixCommits(gh, branch)).length, 2)
        assert.equal((yield* (yield* CheckRounds).get(ticket.id)).used, 2)
        const posted = yield* notices(gh, pr)
        assert.equal(posted.length, 1)
        assert.match(posted[0].body, /^- build$/m)
      }).pipe(Effect.provide(pipeline()))
    }),
  options,
)
