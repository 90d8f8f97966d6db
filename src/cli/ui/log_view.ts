import type { LogLine } from "../../domain/Ticket.ts"
import { bold, dim, red, yellow } from "./terminal.ts"
import { formatTimestamp } from "./time.ts"

const levelMark = (level: LogLine["level"]): string =>
  level === "error" ? red("ERROR ") : level === "warn" ? yellow("WARN  ") : level === "debug" ? dim("DEBUG ") : ""

/**
 * Log lines grouped by phase: a heading whenever the phase changes. `previousPhase` carries the last
 * heading across calls, so a follower does not repeat it for every batch.
 */
export const renderLogLines = (
  lines: ReadonlyArray<LogLine>,
  previousPhase: string | undefined,
): { readonly text: string; readonly lastPhase: string | undefined } => {
  const out: Array<string> = []
  let phase = previousPhase
  for (const line of lines) {
    if (line.phase !== phase) {
      if (phase !== undefined) out.push("")
      out.push(bold(`== ${line.phase} ==`))
      phase = line.phase
    }
    out.push(`${dim(formatTimestamp(line.at))}  ${levelMark(line.level)}${line.message}`)
  }
  return { text: out.join("\n"), lastPhase: phase }
}
