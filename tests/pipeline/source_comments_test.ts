import assert from "node:assert/strict"
import { endedComment, withClosingLine } from "../../src/pipeline/source_comments.ts"
import { renderHtmlComment } from "../../src/services/forge/work_source.ts"
import { aTicket, type TicketFields } from "../support/ticket_fixture.ts"

const ticket = (overrides: TicketFields = {}) =>
  aTicket({ repoUrl: "https://github.com/acme/web", state: "CREATE_PR", ...overrides })

const issue = (url: string, id = "12") => ({ source: { forge: "github" as const, id, url } })

Deno.test("a PR for a GitHub issue ends with Closes #N, naming the repository when the issue is in another", () => {
  assert.equal(
    withClosingLine("## Summary\nDone.\n", ticket(issue("https://github.com/acme/web/issues/12"))),
    "## Summary\nDone.\n\nCloses #12",
  )
  assert.equal(
    withClosingLine(
      "Done.",
      ticket({ repoUrl: "git@github.com:acme/web.git", ...issue("https://github.com/Acme/Web/issues/12") }),
    ),
    "Done.\n\nCloses #12",
  )
  assert.equal(
    withClosingLine("Done.", ticket(issue("https://github.com/acme/tracker/issues/5", "5"))),
    "Done.\n\nCloses acme/tracker#5",
  )
})

Deno.test("a PR for a work item or a typed-in ticket gets no closing line", () => {
  assert.equal(withClosingLine("Done.", ticket()), "Done.")
  const ado = { source: { forge: "ado" as const, id: "7", url: "https://dev.azure.com/o/p/_workitems/edit/7" } }
  assert.equal(withClosingLine("Done.", ticket(ado)), "Done.")
})

Deno.test("the closing comment says merged or failed with the reason, and nothing for a cancelled ticket", () => {
  assert.match(
    endedComment(ticket({ state: "MERGED", prUrl: "https://x.test/pr/4" })) ?? "",
    /merged: https:\/\/x\.test\/pr\/4/,
  )
  assert.match(
    endedComment(ticket({ state: "FAILED", error: "validation failed" })) ?? "",
    /failed: validation failed$/,
  )
  assert.equal(endedComment(ticket({ state: "CANCELLED" })), undefined)
})

Deno.test("a work item comment is HTML: text escaped, links made links, lines broken", () => {
  assert.equal(
    renderHtmlComment("a <b> & c\nsee https://x.test/pr/1"),
    'a &lt;b&gt; &amp; c<br>see <a href="https://x.test/pr/1">https://x.test/pr/1</a>',
  )
})
