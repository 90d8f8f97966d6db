import { Effect } from "effect"
import type { State } from "../../../src/domain/State.ts"
import type { TicketId } from "../../../src/domain/TicketId.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"

/** Polls the store until the ticket satisfies `ready`, as a reviewer watching the pull request would. */
export const waitUntil = (id: TicketId, ready: (state: State, prNumber: number | null) => boolean) =>
  Effect.gen(function* () {
    const store = yield* TicketStore
    while (true) {
      const ticket = yield* store.get(id)
      if (ready(ticket.state, ticket.prNumber)) return ticket.prNumber ?? 0
      yield* Effect.sleep("200 millis")
    }
  })

/** The pull request number once the ticket waits for review. */
export const awaitReview = (id: TicketId) => waitUntil(id, (state, pr) => state === "WAIT_FOR_REVIEW" && pr !== null)

/** Records every transition, to compare with the path a test expects. */
export const transitionLog = () => {
  const seen: Array<string> = []
  return {
    seen,
    record: (t: { readonly state: State }, from: State) => Effect.sync(() => seen.push(`${from}→${t.state}`)),
  }
}

/** Polls the store until the ticket's history holds `count` transitions `from → to`; a hang guard ends it. */
export const untilTransitions = (id: TicketId, from: string, to: string, count = 1) =>
  Effect.gen(function* () {
    const store = yield* TicketStore
    while (true) {
      const history = yield* store.history(id)
      if (history.filter((h) => h.from === from && h.to === to).length >= count) return
      yield* Effect.sleep("200 millis")
    }
  }).pipe(Effect.timeoutFail({ duration: "5 minutes", onTimeout: () => new Error(`no ${count} × ${from} → ${to}`) }))
