import * as Option from "effect/Option"
import type { ReviewThread } from "../../services/forge/Forge.ts"
import type { PullRequestView } from "../../services/forge/local/LocalReview.ts"
import { bold, cyan, dim, yellow } from "./terminal.ts"
import { formatTimestamp } from "./time.ts"

const statusLabel = { active: "open", completed: "merged", abandoned: "abandoned" } as const

const indent = (text: string, by: string) => text.split("\n").map((line) => line === "" ? "" : by + line).join("\n")

const where = (thread: ReviewThread) =>
  Option.match(thread.filePath, {
    onNone: () => "the whole change",
    onSome: (file) => Option.match(thread.line, { onNone: () => file, onSome: (line) => `${file}:${line}` }),
  })

const renderThread = (thread: ReviewThread, index: number): string =>
  [
    `${bold(`Thread ${index + 1}`)} ${dim(`(${thread.id})`)} on ${cyan(where(thread))}, ${thread.status}`,
    ...thread.comments.map((comment) =>
      [
        `  ${comment.isOwn ? yellow("devvy replied") : bold(comment.author.name)} ` +
        dim(formatTimestamp(comment.publishedAt)),
        indent(comment.content.trimEnd(), "    "),
      ].join("\n")
    ),
  ].join("\n")

/**
 * A local pull request as `devvy review <id>` shows it: what it is, what it changes, and its conversation. The
 * stat sits before the threads; a whole diff (`--diff`) goes after them, so it does not bury them.
 */
export const renderPullRequest = (view: PullRequestView, options: { readonly fullDiff: boolean }): string => {
  const { pullRequest: pr } = view
  const description = view.description.trim()
  const changes = view.changes === "" ? dim("(no changes)") : view.changes
  return [
    `${bold(`Pull request #${pr.number}`)}: ${pr.title}`,
    dim(`${statusLabel[pr.status]} · ${pr.sourceBranch} → ${pr.targetBranch} · ${pr.url}`),
    "",
    description === "" ? dim("(no description)") : indent(description, "  "),
    "",
    ...(options.fullDiff ? [] : [changes, ""]),
    view.threads.length === 0 ? dim("No review threads yet.") : view.threads.map(renderThread).join("\n\n"),
    ...(options.fullDiff ? ["", changes] : []),
  ].join("\n")
}
