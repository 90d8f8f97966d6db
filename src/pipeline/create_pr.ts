import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as fs from "node:fs"
import * as path from "node:path"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { pullRequestDescription, pullRequestPrompt } from "./prompts/prompts.ts"
import { Forge } from "../services/forge/Forge.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { Workspace } from "../services/workspace/Workspace.ts"
import { TicketRejected } from "./errors.ts"
import { runAgent } from "./agent_phase.ts"
import { commentOnSource, openedComment, withClosingLine } from "./source_comments.ts"

/** Where Azure DevOps and GitHub look for a pull request template, first match wins. */
const templatePaths = [
  ".azuredevops/pull_request_template.md",
  ".vsts/pull_request_template.md",
  "docs/pull_request_template.md",
  ".github/pull_request_template.md",
  "pull_request_template.md",
]

const readTemplate = (workspace: string): string | undefined => {
  const found = templatePaths.map((p) => path.join(workspace, p)).find((p) => fs.existsSync(p))
  return found === undefined ? undefined : fs.readFileSync(found, "utf8")
}

/**
 * CREATE_PR: commit, push, and open the pull request, or take the open one for the branch. The lookup
 * comes first, so a CREATE_PR resumed after the forge answered but before the store recorded it opens
 * nothing twice (the forge's own create is idempotent too).
 */
export const createPr = Effect.fn("State.CREATE_PR")(function* (ticket: Ticket) {
  const forge = yield* Forge
  const workspace = yield* Workspace
  const store = yield* TicketStore
  if (yield* workspace.commitAll(ticket.id, ticket.title)) {
    yield* Effect.logInfo("committed the change")
  }
  yield* workspace.push(ticket.id, forge.gitAuthHeader)
  yield* Effect.logInfo(`pushed ${ticket.branch}`)
  const existing = yield* forge.findPullRequest(ticket.branch)
  const repository = yield* forge.repository
  if (Option.isNone(existing) && (yield* workspace.commitsAhead(ticket.id, repository.defaultBranch)) === 0) {
    // A forge refuses such a pull request (GitHub: "No commits between …") or opens an empty one.
    return yield* new TicketRejected({
      reason: `the agent changed nothing in the repository: ${ticket.branch} has no commit that ` +
        `${repository.defaultBranch} does not, so there is no pull request to open`,
    })
  }
  const pr = Option.isSome(existing) ? existing.value : yield* Effect.gen(function* () {
    const template = readTemplate(workspace.path(ticket.id))
    const answer = yield* runAgent(ticket.id, "CREATE_PR", pullRequestPrompt({ title: ticket.title, template }))
    return yield* forge.createPullRequest({
      sourceBranch: ticket.branch,
      targetBranch: repository.defaultBranch,
      title: ticket.title,
      description: withClosingLine(pullRequestDescription(answer.text), ticket),
      ...(ticket.source?.forge === "ado" ? { workItemIds: [Number(ticket.source.id)] } : {}),
    })
  })
  const updated = yield* store.update(ticket.id, { prNumber: pr.number, prUrl: pr.url })
  yield* Effect.logInfo(
    `${Option.isSome(existing) ? "reusing the open" : "opened"} pull request #${pr.number}: ${pr.url}`,
  )
  yield* commentOnSource(updated, "opened", openedComment(updated, pr.url))
  const next: State = "WAIT_FOR_REVIEW"
  return next
})
