/**
 * A model that plays a whole ticket: it plans, writes the change, describes the pull request and answers
 * review threads, choosing each answer from the prompt devvy sent, so one mock serves every phase.
 */
import type { RecordedRequest } from "../../support/mock_model/server.ts"
import { type Turn, turn } from "../../support/mock_model/turns.ts"

export interface TicketScript {
  /** The files IMPLEMENT writes, path inside /workspace → content. */
  readonly implement: Readonly<Record<string, string>>
  /** Shell commands IMPLEMENT runs in /workspace after writing its files (to delete, chmod, link). */
  readonly implementCommands?: ReadonlyArray<string>
  /** The files each fix after a failed validation writes (the nth fix takes the nth entry, the last repeats). */
  readonly fixes?: ReadonlyArray<Readonly<Record<string, string>>>
  /** The files a review round writes, and the reply to every thread. */
  readonly review?: { readonly files: Readonly<Record<string, string>>; readonly reply: string }
  /** The files each FIX_CHECKS round writes (round n takes the nth entry, the last repeats). */
  readonly checkFixes?: ReadonlyArray<Readonly<Record<string, string>>>
  /** Seconds each FIX_CHECKS round first spends in a shell, so a test can catch the ticket there. */
  readonly checkFixPause?: number
}

const usage = { input: 1200, output: 80 }

/**
 * Runs the `before` commands, writes each file in turn, runs the `after` commands (one tool call per
 * request), then ends the phase with `done`.
 */
const writeThenSay = (
  request: RecordedRequest,
  files: Readonly<Record<string, string>>,
  done: string,
  commands: ReadonlyArray<string> = [],
  before: ReadonlyArray<string> = [],
): Turn => {
  const bash = (command: string) => turn.bash(`cd /workspace && ${command}`, usage)
  const steps = [
    ...before.map(bash),
    ...Object.entries(files).map(([file, content]) => turn.write(`/workspace/${file}`, content, usage)),
    ...commands.map(bash),
  ]
  const taken = request.messages.filter((m) => m.role === "tool").length - toolResultsBefore(request)
  return steps[taken] ?? turn.text(done, usage)
}

/** Tool results that belong to earlier phases of the same session, before the last user prompt. */
const toolResultsBefore = (request: RecordedRequest): number => {
  const lastUser = request.messages.findLastIndex((m) => m.role === "user")
  return request.messages.slice(0, lastUser).filter((m) => m.role === "tool").length
}

export const ticketScript = (script: TicketScript) => {
  let fixes = 0
  return (request: RecordedRequest): Turn => {
    const prompt = request.lastUserText
    if (prompt.includes("This first step is planning only")) {
      return turn.text("Plan: add the files the ticket asks for, then run the scripts.", usage)
    }
    if (prompt.includes("Now implement the plan")) {
      return writeThenSay(request, script.implement, "Implemented.", script.implementCommands)
    }
    if (prompt.includes("Validation failed:")) {
      if (!request.afterTool) fixes++
      const all = script.fixes ?? [{}]
      return writeThenSay(request, all[Math.min(fixes, all.length) - 1] ?? {}, "Fixed.")
    }
    if (prompt.includes("Write the description of its pull request")) {
      return turn.text(
        "## Summary\nAdds what the ticket asks for.\n\n## Testing\nThe repository's scripts pass.",
        usage,
      )
    }
    const checkRound = /The pull request's CI checks failed \(fix round (\d+) of/.exec(prompt)
    if (checkRound !== null) {
      const all = script.checkFixes ?? [{}]
      const files = all[Math.min(Number(checkRound[1]), all.length) - 1] ?? {}
      const pause = script.checkFixPause ?? 0
      return writeThenSay(request, files, "Fixed the failing checks.", [], pause > 0 ? [`sleep ${pause}`] : [])
    }
    const review = script.review
    if (prompt.includes("Reviewers commented") && review !== undefined) {
      const threadIds = [...prompt.matchAll(/^Thread "([^"]+)"/gm)].map((m) => m[1])
      const replies = { replies: threadIds.map((threadId) => ({ threadId, reply: review.reply })) }
      return writeThenSay(request, review.files, `Done.\n\n\`\`\`json\n${JSON.stringify(replies)}\n\`\`\``)
    }
    return turn.text("Nothing to do.", usage)
  }
}
