import assert from "node:assert/strict"
import { LogLine, StateChange } from "../../src/domain/Ticket.ts"
import { TicketId } from "../../src/domain/TicketId.ts"
import { renderLogLines } from "../../src/cli/ui/log_view.ts"
import { pullRequestNotice } from "../../src/cli/ui/progress.ts"
import { psJson, renderPs, renderStatus, statusJson, timePerState } from "../../src/cli/ui/ticket_view.ts"
import { PhaseUsage, Usage } from "../../src/services/agent/AgentUsage.ts"
import { aTicket, type TicketFields } from "../support/ticket_fixture.ts"

const id = TicketId.make("3fa9c2")
const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, seconds))

const ticket = (overrides: TicketFields = {}) =>
  aTicket({ id, title: "Add a health endpoint", source: null, createdAt: at(0), updatedAt: at(0), ...overrides })

Deno.test("ps shows one aligned row per ticket with its PR number", () => {
  const table = renderPs([ticket(), ticket({ id: TicketId.make("00aa11"), state: "MERGED", prNumber: 12 })], new Map())
  const lines = table.split("\n")
  assert.match(lines[0], /^ID {7}TITLE +STATE +PROCESS +BRANCH +PR$/)
  assert.match(lines[1], /^3fa9c2 {3}Add a health endpoint +PLAN +Idle \/ resumable +agent\/3fa9c2 +-$/)
  assert.match(lines[2], /MERGED +- +agent\/3fa9c2 +#12$/)
  assert.equal(lines[1].indexOf("PLAN"), lines[0].indexOf("STATE"))
})

Deno.test("time per state adds up each visit and counts the current state up to now", () => {
  const history = [
    new StateChange({ ticketId: id, from: null, to: "RECEIVED", at: at(0) }),
    new StateChange({ ticketId: id, from: "RECEIVED", to: "VALIDATE", at: at(2) }),
    new StateChange({ ticketId: id, from: "VALIDATE", to: "WAIT_FOR_REVIEW", at: at(12) }),
    new StateChange({ ticketId: id, from: "WAIT_FOR_REVIEW", to: "VALIDATE", at: at(20) }),
  ]
  assert.deepEqual(
    new Map(timePerState(history, at(25))),
    new Map([["RECEIVED", 2000], ["VALIDATE", 15000], ["WAIT_FOR_REVIEW", 8000]]),
  )
})

Deno.test("log lines are grouped under a heading per phase, not repeated across batches", () => {
  const line = (phase: "PLAN" | "IMPLEMENT", message: string) =>
    new LogLine({ ticketId: id, phase, level: "info", at: at(1), message })
  const first = renderLogLines([line("PLAN", "a"), line("PLAN", "b"), line("IMPLEMENT", "c")], undefined)
  assert.equal(first.text.split("\n").filter((l) => l.startsWith("== ")).join("|"), "== PLAN ==|== IMPLEMENT ==")
  const next = renderLogLines([line("IMPLEMENT", "d")], first.lastPhase)
  assert.ok(!next.text.includes("=="))
  assert.match(next.text, /d$/)
})

Deno.test("status shows the driver, time per state and the agent's tokens and cost per phase with a total", () => {
  const usage = (input: number, output: number, cost: number) =>
    new Usage({ input, output, reasoning: 0, cacheRead: 0, cacheWrite: 0, cost })
  const text = renderStatus(ticket({ state: "IMPLEMENT", opencodeSession: "ses_9" }), {
    history: [
      new StateChange({ ticketId: id, from: null, to: "RECEIVED", at: at(0) }),
      new StateChange({ ticketId: id, from: "RECEIVED", to: "IMPLEMENT", at: at(1) }),
    ],
    drivers: new Map([[id, { pid: 4242, host: "h" }]]),
    usage: [
      new PhaseUsage({ phase: "PLAN", usage: usage(1000, 50, 0.01) }),
      new PhaseUsage({ phase: "IMPLEMENT", usage: usage(2000, 150, 0.02) }),
    ],
    now: at(31),
  })
  assert.match(text, /Process +Running \(pid 4242\)/)
  assert.match(text, /Session +ses_9/)
  assert.match(text, /IMPLEMENT +30s/)
  assert.match(text, /PLAN +1000 +50 +\$0\.0100/)
  assert.match(text, /total +3000 +200 +\$0\.0300/)
})

Deno.test("after CREATE_PR the pull request's URL is printed, and on the local forge the review commands", () => {
  const opened = { state: "WAIT_FOR_REVIEW" as const, prNumber: 4, prUrl: "file:///r#pull-request-4" }
  const local = pullRequestNotice(ticket(opened), "CREATE_PR")
  assert.equal(local[0], "Pull request #4: file:///r#pull-request-4")
  for (const action of ["", " --diff", ' --comment "…" [--file F --line N]', " --approve", " --abandon"]) {
    assert.ok(local.some((line) => line.startsWith(`  devvy review 3fa9c2${action} `)), action)
  }
  const ado = ticket({
    ...opened,
    repoUrl: "https://dev.azure.com/acme/shop/_git/web",
    prUrl: "https://dev.azure.com/acme/shop/_git/web/pullrequest/4",
  })
  assert.deepEqual(pullRequestNotice(ado, "CREATE_PR"), [
    "Pull request #4: https://dev.azure.com/acme/shop/_git/web/pullrequest/4",
  ])
  assert.deepEqual(pullRequestNotice(ticket(opened), "RESPOND_TO_REVIEW"), [])
})

Deno.test("a ticket stopped on its budget shows as Stopped: budget in ps, and status gives the reason and how to go on", () => {
  const stopped = ticket({ state: "IMPLEMENT", stopped: "budget exhausted: $10.42 of $10.00", maxCostUsd: 10 })
  assert.match(renderPs([stopped], new Map()).split("\n")[1], /IMPLEMENT +Stopped: budget +agent/)
  const driven = new Map([[stopped.id, { pid: 42, host: "h" }]])
  assert.match(renderPs([stopped], driven), /Running \(pid 42\)/)
  const status = renderStatus(stopped, { history: [], drivers: new Map(), usage: [], now: at(9) })
  assert.match(status, /^Process +Stopped: budget$/m)
  assert.match(status, /^Stopped +budget exhausted: \$10\.42 of \$10\.00: `devvy resume 3fa9c2 --max-cost-usd X`/m)
  assert.match(status, /^Budget +\$10\.00 \(raised for this ticket\)$/m)
})

Deno.test("status and ps --json show the work item a ticket came from", () => {
  const source = { forge: "ado" as const, id: "42", url: "https://dev.azure.com/o/p/_workitems/edit/42" }
  const details = { history: [], drivers: new Map(), usage: [], now: at(1) }
  assert.match(
    renderStatus(ticket({ source }), details),
    /^Source +work item 42 {2}https:\/\/dev\.azure\.com\/o\/p\/_workitems\/edit\/42$/m,
  )
  assert.deepEqual(psJson(ticket({ source }), new Map()).source, source)
  assert.doesNotMatch(renderStatus(ticket(), details), /^Source/m)
})

Deno.test("status shows the check fix rounds used of those allowed", () => {
  const details = { history: [], drivers: new Map(), usage: [], now: at(1), checkRounds: { used: 2, max: 3 } }
  const waiting = ticket({ state: "WAIT_FOR_REVIEW" })
  assert.match(renderStatus(waiting, details), /Check fixes +2 of 3 rounds/)
  assert.deepEqual(statusJson(waiting, details).checkRounds, { used: 2, max: 3 })
})
