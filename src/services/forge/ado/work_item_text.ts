/**
 * A work item's text as the ticket's Markdown (SPEC §8). Azure Boards stores multiline fields as HTML;
 * node-html-markdown converts it (lists, code, links; entities decoded) without a DOM, and
 * node-html-parser, the parser it is built on, removes first what a reader of the item never sees.
 */
import { NodeHtmlMarkdown } from "node-html-markdown"
import { parse } from "node-html-parser"

// An image cannot reach the model, and a data: URI would be pages of base64: its alt text stands in.
const converter = new NodeHtmlMarkdown({ keepDataImages: false }, {
  img: ({ node }) => ({ content: node.getAttribute("alt")?.trim() ?? "", recurse: false }),
})

const hiddenStyle = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)/i

/** Markdown for an HTML field: elements hidden by attribute or inline style are dropped, not converted. */
export const htmlToMarkdown = (html: string): string => {
  const root = parse(html, { comment: false })
  for (const element of root.querySelectorAll("[hidden], [style], [aria-hidden]")) {
    if (
      element.hasAttribute("hidden") || element.getAttribute("aria-hidden") === "true" ||
      hiddenStyle.test(element.getAttribute("style") ?? "")
    ) element.remove()
  }
  return converter.translate(root.toString()).trim()
}

export const DESCRIPTION = "System.Description"
export const REPRO_STEPS = "Microsoft.VSTS.TCM.ReproSteps"
export const ACCEPTANCE_CRITERIA = "Microsoft.VSTS.Common.AcceptanceCriteria"

/** The fields that make up the ticket's description, in order, with the heading each gets after the first. */
const sections: ReadonlyArray<readonly [string, string]> = [
  [DESCRIPTION, "Description"],
  [REPRO_STEPS, "Repro steps"],
  [ACCEPTANCE_CRITERIA, "Acceptance criteria"],
]

export interface WorkItemFields {
  readonly fields: Readonly<Record<string, unknown>>
  /** Newer Azure Boards may keep a field as Markdown: `multilineFieldsFormat[field] === "Markdown"`. */
  readonly multilineFieldsFormat?: Readonly<Record<string, string>> | undefined
}

/**
 * Description, repro steps and acceptance criteria, each converted unless the item says the field is
 * already Markdown. A field left empty is left out, so a bug whose form shows only repro steps reads well.
 */
export const workItemDescription = (item: WorkItemFields): string =>
  sections.flatMap(([field, heading]) => {
    const value = item.fields[field]
    if (typeof value !== "string" || value.trim() === "") return []
    const markdown = item.multilineFieldsFormat?.[field]?.toLowerCase() === "markdown"
      ? value.trim()
      : htmlToMarkdown(value)
    return markdown === "" ? [] : [`## ${heading}\n\n${markdown}`]
  }).join("\n\n")
