/**
 * The part of a CI log a model needs to fix a failure, and no more: the end, where the error and the
 * summary are, bounded in lines and bytes. CI logs are untrusted (SPEC §4): colours, the runner's
 * timestamps and hidden text are stripped here, and the prompt fences what is left as material.
 */
import { stripHiddenText } from "../prompts/hidden_text.ts"
import { stripAnsi } from "../../services/agent/output_trim.ts"

export interface TailLimits {
  readonly lines: number
  readonly bytes: number
}

export const defaultTailLimits: TailLimits = { lines: 200, bytes: 20 * 1024 }

/** `2025-04-07T12:57:33.2904078Z `: GitHub Actions and Azure Pipelines start every line with one. */
const timestamp = /^\uFEFF?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/

const encoder = new TextEncoder()
const bytesOf = (text: string) => encoder.encode(text).length

/**
 * One line as a person reading the CI page sees it. Hidden text is stripped line by line: a log is shown
 * as plain text, so an unterminated `<!--` hides nothing past its own line there.
 */
const cleanLine = (line: string): string => {
  const shown = stripAnsi(line).replace(/\r+$/, "")
  // A progress bar rewrites its line with carriage returns; the terminal shows only the last version.
  return stripHiddenText(shown.slice(shown.lastIndexOf("\r") + 1).replace(timestamp, "")).trimEnd()
}

export interface LogTail {
  readonly text: string
  /** Lines kept, and lines of the log left out before them. */
  readonly lines: number
  readonly omitted: number
}

/** The last `limits.lines` lines of `log` that fit in `limits.bytes`, cleaned, with a note of what was left out. */
export const logTail = (log: string, limits: TailLimits = defaultTailLimits): LogTail => {
  const all = log.split("\n")
  while (all.length > 0 && all.at(-1)?.trim() === "") all.pop()
  const kept: Array<string> = []
  let bytes = 0
  for (let i = all.length - 1; i >= 0 && kept.length < limits.lines; i--) {
    const line = cleanLine(all[i])
    const size = bytesOf(line) + 1
    if (bytes + size > limits.bytes) {
      // A single line longer than the whole budget still gives its end rather than nothing.
      if (kept.length === 0) kept.push(`… ${line.slice(-Math.floor(limits.bytes / 4))}`)
      break
    }
    kept.push(line)
    bytes += size
  }
  kept.reverse()
  const omitted = all.length - kept.length
  const text = omitted > 0 ? [`… ${omitted} earlier line${omitted === 1 ? "" : "s"} left out …`, ...kept] : kept
  return { text: text.join("\n"), lines: kept.length, omitted }
}
