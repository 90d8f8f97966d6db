import { isTerminal } from "../../domain/State.ts"
import type { StateChange, Ticket, TicketSource, TicketSummary } from "../../domain/Ticket.ts"
import type { PhaseUsage } from "../../services/agent/AgentUsage.ts"
import type { Driver } from "../../services/store/TicketLease.ts"
import { renderTable, truncate } from "./table.ts"
import { formatElapsed, formatTimestamp } from "./time.ts"

/** The live process driving each ticket, by ticket id, from the store's leases. */
export type Drivers = ReadonlyMap<string, Driver>

/**
 * What drives a ticket: a live lease holder, or nothing, in which case `devvy resume` continues it, or, when it
 * stopped on its budget, a resume that raises it.
 */
export const processLabel = (ticket: TicketSummary, drivers: Drivers): string => {
  if (isTerminal(ticket.state)) return "-"
  const driver = drivers.get(ticket.id)
  if (driver !== undefined) return `Running (pid ${driver.pid})`
  return ticket.stopped !== null && ticket.stopped.startsWith("budget") ? "Stopped: budget" : "Idle / resumable"
}

export const psJson = (ticket: TicketSummary, drivers: Drivers) => ({
  id: ticket.id,
  title: ticket.title,
  state: ticket.state,
  process: processLabel(ticket, drivers),
  branch: ticket.branch,
  pr: ticket.prNumber === null ? null : { number: ticket.prNumber, url: ticket.prUrl },
  source: ticket.source,
  createdAt: ticket.createdAt.toISOString(),
  updatedAt: ticket.updatedAt.toISOString(),
})

export const renderPs = (tickets: ReadonlyArray<TicketSummary>, drivers: Drivers): string =>
  renderTable(
    ["ID", "TITLE", "STATE", "PROCESS", "BRANCH", "PR"],
    tickets.map((t) => [
      t.id,
      truncate(t.title, 40),
      t.state,
      processLabel(t, drivers),
      t.branch,
      t.prNumber === null ? "-" : `#${t.prNumber}`,
    ]),
  )

/** `work item 42  https://…/_workitems/edit/42` or `issue #7  https://github.com/…/issues/7`. */
export const sourceLabel = (source: TicketSource): string =>
  `${source.forge === "ado" ? `work item ${source.id}` : `issue #${source.id}`}  ${source.url}`

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

/** What `status` shows of a ticket beyond the ticket row itself. */
export interface TicketDetails {
  readonly history: ReadonlyArray<StateChange>
  readonly drivers: Drivers
  readonly usage: ReadonlyArray<PhaseUsage>
  readonly now: Date
  /** FIX_CHECKS rounds used, of the most allowed. */
  readonly checkRounds?: { readonly used: number; readonly max: number }
}

export const statusJson = (ticket: Ticket, { history, drivers, usage, now, checkRounds }: TicketDetails) => ({
  ...psJson(ticket, drivers),
  description: ticket.description,
  repoUrl: ticket.repoUrl,
  model: ticket.model,
  retryCount: ticket.retryCount,
  checkRounds: checkRounds ?? null,
  opencodeSession: ticket.opencodeSession,
  error: ticket.error,
  stopped: ticket.stopped,
  budget: { maxCostUsd: ticket.maxCostUsd, maxTokens: ticket.maxTokens },
  history: history.map((h) => ({ from: h.from, to: h.to, at: h.at.toISOString() })),
  timePerStateMillis: Object.fromEntries(timePerState(history, now)),
  agentUsage: usage.map(({ phase, usage }) => ({ phase, ...usage })),
})

export const renderStatus = (
  ticket: Ticket,
  { history, drivers, usage, now, checkRounds }: TicketDetails,
): string => {
  const rows: Array<readonly [string, string]> = [
    ["Ticket", `${ticket.id}  ${ticket.title}`],
    ["State", ticket.state],
    ["Process", processLabel(ticket, drivers)],
    ["Repository", ticket.repoUrl],
    ...(ticket.source === null ? [] : [["Source", sourceLabel(ticket.source)] as const]),
    ["Branch", ticket.branch],
    ["Pull request", ticket.prNumber === null ? "-" : `#${ticket.prNumber}  ${ticket.prUrl ?? ""}`.trimEnd()],
    ["Model", ticket.model],
    ["Session", ticket.opencodeSession ?? "-"],
    ["Retries", String(ticket.retryCount)],
    ...(checkRounds === undefined
      ? []
      : [["Check fixes", `${checkRounds.used} of ${checkRounds.max} rounds`] as const]),
    ["Created", formatTimestamp(ticket.createdAt)],
    ["Updated", formatTimestamp(ticket.updatedAt)],
  ]
  if (ticket.error !== null) rows.push(["Error", ticket.error])
  if (ticket.stopped !== null && !isTerminal(ticket.state) && drivers.get(ticket.id) === undefined) {
    rows.push(["Stopped", `${ticket.stopped}: \`devvy resume ${ticket.id} --max-cost-usd X\` or --max-tokens N`])
  }
  const own = [
    ...(ticket.maxCostUsd === null ? [] : [`$${ticket.maxCostUsd.toFixed(2)}`]),
    ...(ticket.maxTokens === null ? [] : [`${ticket.maxTokens.toLocaleString("en-US")} tokens`]),
  ]
  if (own.length > 0) rows.push(["Budget", `${own.join(", ")} (raised for this ticket)`])
  const width = Math.max(...rows.map(([k]) => k.length))
  const lines = rows.map(([k, v]) => `${k.padEnd(width)}   ${v}`)
  const spent = timePerState(history, now)
  if (spent.length > 0) {
    lines.push("", "Time per state")
    for (const [state, millis] of spent) lines.push(`  ${state.padEnd(18)} ${formatElapsed(millis)}`)
  }
  if (usage.length > 0) {
    lines.push("", "Agent usage          tokens in    tokens out    cost")
    for (const { phase, usage: u } of usage) {
      lines.push(
        `  ${phase.padEnd(18)} ${String(u.input).padStart(9)}  ${String(u.output).padStart(12)}    $${
          u.cost.toFixed(4)
        }`,
      )
    }
    const total = usage.slice(1).reduce((sum, p) => sum.plus(p.usage), usage[0].usage)
    lines.push(
      `  ${"total".padEnd(18)} ${String(total.input).padStart(9)}  ${String(total.output).padStart(12)}    ` +
        `$${total.cost.toFixed(4)}`,
    )
  }
  return lines.join("\n")
}
