/**
 * Every prompt devvy gives opencode. Text that came from people (the ticket, review comments) passes
 * through stripHiddenText first and is fenced off as material, so it reads as data, not as devvy's
 * own instructions.
 */
import { stripHiddenText } from "./hidden_text.ts"
import { trimOutput } from "../../services/agent/output_trim.ts"
import { validationScripts } from "../validate/scripts.ts"

export const quoted = (label: string, text: string) => {
  const clean = stripHiddenText(text).trim()
  // A fence longer than any backtick run inside keeps the quoted text from closing it early.
  const longest = Math.max(2, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = "`".repeat(longest + 1)
  return `${label}:\n${fence}text\n${clean}\n${fence}`
}

export const houseRules = [
  "The repository is checked out at /workspace, on the branch devvy works on. Stay inside it.",
  "Do not commit, push, switch branches or edit .git: devvy commits and pushes your changes itself.",
  "There is nobody to answer questions: when something is unclear, choose the most reasonable reading and say so.",
].join("\n")

export interface TicketText {
  readonly title: string
  readonly description: string
}

export const planPrompt = (ticket: TicketText): string =>
  [
    "You are working on a ticket in this repository. This first step is planning only.",
    houseRules,
    quoted("Ticket title", ticket.title),
    quoted("Ticket description", ticket.description),
    [
      "Explore the code (read, grep, glob) until you understand where the change belongs, then write a detailed plan:",
      "- what the ticket asks for, and how you read anything ambiguous;",
      "- the files to change or add, and what changes in each;",
      "- the tests to add or update;",
      "- how the result will be checked, including the repository's scripts in src/scripts/ if it has them.",
      "Do not change any file in this step. Your final message is the plan.",
    ].join("\n"),
  ].join("\n\n")

export const implementPrompt = (): string =>
  [
    "Now implement the plan you wrote, completely, following the conventions the code already uses.",
    houseRules,
    [
      "When the change is done, run the repository's validation scripts that exist, from /workspace, in this order:",
      ...validationScripts.map((script) => `- bash ${script}`),
      "Fix what they report and run them again until they pass. A missing script is fine: skip it.",
      "Never weaken a check, delete a test or edit these scripts to make them pass.",
      "Finish with a short summary of what you changed.",
    ].join("\n"),
  ].join("\n\n")

export interface FailedValidation {
  readonly script: string
  readonly exitCode: number
  readonly output: string
  readonly attempt: number
  readonly maxAttempts: number
}

export const fixPrompt = (failure: FailedValidation): string =>
  [
    `Validation failed: \`${failure.script}\` exited with code ${failure.exitCode}` +
    ` (fix attempt ${failure.attempt} of ${failure.maxAttempts}).`,
    houseRules,
    `Its output, trimmed to the start and the end:\n\`\`\`\`text\n${trimOutput(failure.output)}\n\`\`\`\``,
    [
      "Find the cause and fix the code (or the tests, if they are wrong about the intended behaviour).",
      `Then run \`bash ${failure.script}\` again, and the other scripts in src/scripts/, until they pass.`,
      "Never weaken a check, delete a test or edit the scripts. Finish with a short summary of the fix.",
    ].join("\n"),
  ].join("\n\n")

export interface PullRequestText {
  readonly title: string
  /** The repository's pull request template, when it has one. */
  readonly template: string | undefined
}

export const pullRequestPrompt = (input: PullRequestText): string =>
  [
    "The change is done and validated. Write the description of its pull request.",
    quoted("Ticket title", input.title),
    input.template === undefined
      ? "Summarise what changed and why, how it was tested, and anything a reviewer should look at closely."
      : `${
        quoted("The repository's pull request template", input.template)
      }\nFill in this template: keep its headings and checklists, answer each section for this change.`,
    "Do not change any file. Your final message is the description in Markdown and nothing else.",
  ].join("\n\n")

/** The final answer of a pull request prompt, without a fence the model may have wrapped it in. */
export const pullRequestDescription = (answer: string): string => {
  const fenced = /^\s*(`{3,})(?:markdown|md)?\s*\n([\s\S]*?)\n\1\s*$/.exec(answer)
  return (fenced ? fenced[2] : answer).trim()
}
