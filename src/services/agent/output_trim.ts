/** Tool output cut down to what a model needs to fix a failure: colours gone, the head and the tail kept. */

// CSI sequences (colours, cursor moves), OSC sequences (titles, links) and lone escapes.
// deno-lint-ignore no-control-regex
const ansi = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B\][^\u0007\u001B]*(?:\u0007|\u001B\\)|\u001B[@-_]/g

export const stripAnsi = (text: string): string => text.replace(ansi, "")

export interface TrimOptions {
  readonly headLines?: number
  readonly tailLines?: number
  readonly maxLineLength?: number
}

/**
 * The first lines (what was run, the first error) and the last lines (the summary, the failing tests),
 * with a marker saying how much was left out. Progress bars rewrite one line with carriage returns:
 * only what the terminal would finally show is kept.
 */
export const trimOutput = (output: string, options: TrimOptions = {}): string => {
  const { headLines = 40, tailLines = 120, maxLineLength = 500 } = options
  const lines = stripAnsi(output)
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) => line.slice(line.lastIndexOf("\r") + 1))
    .map((line) => line.length > maxLineLength ? `${line.slice(0, maxLineLength)}… (line cut)` : line)
  while (lines.length > 0 && lines.at(-1)?.trim() === "") lines.pop()
  if (lines.length <= headLines + tailLines) return lines.join("\n")
  const omitted = lines.length - headLines - tailLines
  return [...lines.slice(0, headLines), `… ${omitted} lines omitted …`, ...lines.slice(-tailLines)].join("\n")
}
