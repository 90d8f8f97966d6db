import { isTerminal } from "../../domain/State.ts"
import type { StateChange, Ticket } from "../../domain/Ticket.ts"
import { renderTable, truncate } from "./table.ts"
import { formatElapsed, formatTimestamp } from "./time.ts"

/**
 * What drives a ticket. Until background drivers hold leases in the store, nothing drives a ticket once
 * its `devvy` process is gone, so every live ticket is resumable.
 */
export const processLabel = (ticket: Ticket): string => isTerminal(ticket.state) ? "-" : "Idle / resumable"

export const psJson = (ticket: Ticket) => ({
  id: ticket.id,
  title: ticket.title,
  state: ticket.state,
  process: processLabel(ticket),
  branch: ticket.branch,
  pr: ticket.prNumber === null ? null : { number: ticket.prNumber, url: ticket.prUrl },
  createdAt: ticket.createdAt.toISOString(),
  updatedAt: ticket.updatedAt.toISOString(),
})

export const renderPs = (tickets: ReadonlyArray<Ticket>): string =>
  renderTable(
    ["ID", "TITLE", "STATE", "PROCESS", "BRANCH", "PR"],
    tickets.map((t) => [
      t.id,
      truncate(t.title, 40),
      t.state,
      processLabel(t),
      t.branch,
      t.prNumber === null ? "-" : `#${t.prNumber}`,
    ]),
  )

/** Time spent in each state, from the history: a state still running counts up to `now`. */
export const timePerState = (
  history: ReadonlyArray<StateChange>,
  now: Date,
): ReadonlyArray<readonly [string, number]> => {
  const totals = new Map<string, number>()
  history.forEach((change, i) => {
    if (isTerminal(change.to)) return
    const end = history[i + 1]?.at ?? now
    totals.set(change.to, (totals.get(change.to) ?? 0) + (end.getTime() - change.at.getTime()))
  })
  return [...totals.entries()]
}

export const statusJson = (ticket: Ticket, history: ReadonlyArray<StateChange>, now: Date) => ({
  ...psJson(ticket),
  description: ticket.description,
  repoUrl: ticket.repoUrl,
  model: ticket.model,
  retryCount: ticket.retryCount,
  opencodeSession: ticket.opencodeSession,
  error: ticket.error,
  history: history.map((h) => ({ from: h.from, to: h.to, at: h.at.toISOString() })),
  timePerStateMillis: Object.fromEntries(timePerState(history, now)),
})

export const renderStatus = (ticket: Ticket, history: ReadonlyArray<StateChange>, now: Date): string => {
  const rows: Array<readonly [string, string]> = [
    ["Ticket", `${ticket.id}  ${ticket.title}`],
    ["State", ticket.state],
    ["Process", processLabel(ticket)],
    ["Repository", ticket.repoUrl],
    ["Branch", ticket.branch],
    ["Pull request", ticket.prNumber === null ? "-" : `#${ticket.prNumber}  ${ticket.prUrl ?? ""}`.trimEnd()],
    ["Model", ticket.model],
    ["Session", ticket.opencodeSession ?? "-"],
    ["Retries", String(ticket.retryCount)],
    ["Created", formatTimestamp(ticket.createdAt)],
    ["Updated", formatTimestamp(ticket.updatedAt)],
  ]
  if (ticket.error !== null) rows.push(["Error", ticket.error])
  const width = Math.max(...rows.map(([k]) => k.length))
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}   ${v}`)
  const spent = timePerState(history, now)
  if (spent.length > 0) {
    lines.push("", "Time per state")
    for (const [state, millis] of spent) lines.push(`  ${state.padEnd(18)} ${formatElapsed(millis)}`)
  }
  return lines.join("\n")
}
