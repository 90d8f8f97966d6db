/**
 * `devvy watch` (SPEC §2, §9): polls the work source, makes a ticket of each new item, and drives at
 * most `maxParallel` tickets at once as fibers of this one process, the rest queued in creation order.
 * Each ticket is driven as `run` would drive it, lease included, so `ps` shows this process as its driver.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Queue from "effect/Queue"
import * as Schedule from "effect/Schedule"
import type { TicketId } from "../domain/TicketId.ts"
import type { WatchedItems } from "../services/forge/work_source.ts"
import { SourceCommentLedger } from "../services/store/SourceCommentLedger.ts"
import { TicketLease } from "../services/store/TicketLease.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { commentOnEnd } from "./source_comments.ts"

export interface WatchOptions<E, R> {
  readonly items: WatchedItems
  readonly maxParallel: number
  readonly repoUrl: string
  readonly model: string
  readonly pollInterval: Duration.DurationInput
  /** One line about the watch itself: a ticket created, a poll that failed. */
  readonly onEvent: (line: string) => Effect.Effect<void>
  /** Drives one ticket to its end (`driveTicket`), holding its lease meanwhile. */
  readonly drive: (id: TicketId) => Effect.Effect<unknown, E, R>
}

const tagOf = (error: unknown) => Predicate.hasProperty(error, "_tag") ? String(error._tag) : "Error"
const messageOf = (error: unknown) =>
  Predicate.hasProperty(error, "message") && typeof error.message === "string" ? error.message : String(error)

/** Runs until interrupted; every ticket it drives stays resumable then, as after Ctrl-C on `run`. */
export const watch = Effect.fn("Watch.run")(function* <E, R>(options: WatchOptions<E, R>) {
  const every = Duration.decode(options.pollInterval)
  const store = yield* TicketStore
  const leases = yield* TicketLease
  const ledger = yield* SourceCommentLedger
  const queue = yield* Queue.unbounded<TicketId>()
  // Queued or being driven here: never queued twice.
  const inHand = new Set<TicketId>()
  const enqueue = (id: TicketId) =>
    Effect.suspend(() => {
      if (inHand.has(id)) return Effect.void
      inHand.add(id)
      return Queue.offer(queue, id)
    })

  const drive = (id: TicketId) =>
    options.drive(id).pipe(
      Effect.asVoid,
      // One ticket's failure, whatever it is, is not the others'. An outage that outlasted the retries
      // (TicketPaused) leaves the ticket in its state: it is taken up again after a poll interval.
      Effect.catchAll((error) =>
        tagOf(error) === "TicketPaused"
          ? options.onEvent(`${id}: paused (${messageOf(error)}); trying again in ${Duration.format(every)}`).pipe(
            Effect.zipRight(Effect.forkScoped(Effect.delay(enqueue(id), every))),
          )
          : options.onEvent(`${id}: ${messageOf(error)}`)
      ),
      Effect.catchAllDefect((defect) => options.onEvent(`${id}: stopped by an internal error: ${String(defect)}`)),
      Effect.ensuring(Effect.sync(() => inHand.delete(id))),
    )

  const worker = Effect.forever(Effect.flatMap(Queue.take(queue), drive))
  yield* Effect.forkScoped(Effect.all(Array.from({ length: options.maxParallel }, () => worker), {
    concurrency: "unbounded",
    discard: true,
  }))

  // What an earlier watch left unfinished, unless a live process drives it.
  const drivers = yield* leases.drivers()
  for (const id of yield* store.watched()) {
    if (!drivers.has(id)) yield* enqueue(id)
  }

  const poll = Effect.gen(function* () {
    const urls = yield* options.items.candidates
    const known = yield* store.knownSources(urls)
    const fresh = urls.filter((url) => !known.has(url))
    for (const item of fresh.length === 0 ? [] : yield* options.items.read(fresh)) {
      const created = yield* store.create({
        ...item,
        repoUrl: options.repoUrl,
        model: options.model,
        watched: true,
      }).pipe(Effect.catchTag("TicketForSourceExists", () => Effect.succeed(undefined)))
      if (created === undefined) continue
      yield* options.onEvent(`${created.id}: new ticket from ${item.source.url}: ${created.title}`)
      yield* enqueue(created.id)
    }
    // Closing comments an outage or a crash kept from being posted. A ticket still being driven posts
    // its own: settling it here too would race that post and could comment twice.
    const driving = yield* leases.drivers()
    for (const id of yield* ledger.unsettledEnds()) {
      if (!inHand.has(id) && !driving.has(id)) yield* commentOnEnd(yield* store.get(id))
    }
  }).pipe(
    Effect.catchAll((error) =>
      options.onEvent(`polling paused: ${error.message}; trying again in ${Duration.format(every)}`)
    ),
    Effect.withSpan("Watch.poll"),
  )
  return yield* Effect.repeat(poll, Schedule.spaced(every)).pipe(Effect.zipRight(Effect.never))
})
