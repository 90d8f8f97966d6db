import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as NodeContext from "@effect/platform-node/NodeContext"
import assert from "node:assert/strict"
import { Effect, Layer, Ref, TestClock } from "effect"
import type { TicketId } from "../../src/domain/TicketId.ts"
import { watch, type WatchOptions } from "../../src/pipeline/watch.ts"
import { ForgeUnavailable } from "../../src/services/forge/ForgeError.ts"
import type { SourceItem, WatchedItems } from "../../src/services/forge/work_source.ts"
import { SourceCommentLedger } from "../../src/services/store/SourceCommentLedger.ts"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { it } from "../support/effect_test.ts"
import { configFrom } from "../support/git_fixtures.ts"
import { TempStore } from "../support/temp_home.ts"

// Closing comments are settled through the config and HTTP; these tests end no ticket, so none are posted.
const Store = Layer.mergeAll(SourceCommentLedger.Default, configFrom({}), FetchHttpClient.layer, NodeContext.layer)
  .pipe(
    Layer.provideMerge(TempStore),
  )

const urlOf = (n: number) => `https://dev.azure.com/o/p/_workitems/edit/${n}`
const itemOf = (n: number): SourceItem => ({
  title: `Item ${n}`,
  description: "",
  source: { forge: "ado", id: String(n), url: urlOf(n) },
})

/** Work items 1..count, the first `failures` polls failing as an outage would. */
const fakeItems = (count: number, failures = 0) => {
  let polls = 0
  const items: WatchedItems = {
    candidates: Effect.suspend(() =>
      ++polls <= failures
        ? Effect.fail(new ForgeUnavailable({ url: "https://dev.azure.com/o", detail: "HTTP 503" }))
        : Effect.succeed(Array.from({ length: count }, (_, i) => urlOf(i + 1)))
    ),
    read: (urls) => Effect.succeed(urls.map((url) => itemOf(Number(url.split("/").at(-1))))),
  }
  return { items, polls: () => polls }
}

/** A driver that takes ten (test) seconds per ticket and records how many ran at once; `fails` tickets fail. */
const fakeDriver = (fails: ReadonlySet<string> = new Set()) =>
  Effect.gen(function* () {
    const running = yield* Ref.make(0)
    const most = yield* Ref.make(0)
    const started: Array<string> = []
    const finished: Array<string> = []
    const drive = (id: TicketId) =>
      Effect.gen(function* () {
        const title = (yield* (yield* TicketStore).get(id)).title
        started.push(title)
        const now = yield* Ref.updateAndGet(running, (n) => n + 1)
        yield* Ref.update(most, (m) => Math.max(m, now))
        yield* Effect.sleep("10 seconds")
        yield* Ref.update(running, (n) => n - 1)
        if (fails.has(title)) return yield* Effect.fail(new Error(`${title} broke`))
        finished.push(title)
      })
    return { drive, started, finished, most: Ref.get(most) }
  })

const options = <E, R>(
  items: WatchedItems,
  drive: WatchOptions<E, R>["drive"],
  events: Array<string>,
): WatchOptions<E, R> => ({
  items,
  maxParallel: 2,
  repoUrl: "/tmp/repo",
  model: "mock/m1",
  pollInterval: "30 seconds",
  onEvent: (line: string) => Effect.sync(() => void events.push(line)),
  drive,
})

it.effect(
  "watch drives at most N tickets at once, in creation order, and a failing one does not stop the rest",
  () =>
    Effect.gen(function* () {
      const { items } = fakeItems(5)
      const driver = yield* fakeDriver(new Set(["Item 2"]))
      const events: Array<string> = []
      yield* Effect.forkScoped(watch(options(items, driver.drive, events)))
      for (let i = 0; i < 4; i++) yield* TestClock.adjust("10 seconds")
      assert.deepEqual(driver.started, ["Item 1", "Item 2", "Item 3", "Item 4", "Item 5"])
      assert.deepEqual(driver.finished.toSorted(), ["Item 1", "Item 3", "Item 4", "Item 5"])
      assert.equal(yield* driver.most, 2)
      assert.ok(events.some((e) => e.endsWith("Item 2 broke")), events.join("\n"))
      // Later polls see the same items and make no new tickets.
      yield* TestClock.adjust("60 seconds")
      assert.equal((yield* (yield* TicketStore).list({ all: true })).length, 5)
      assert.equal(driver.started.length, 5)
    }),
  Store,
)

it.effect(
  "a forge outage pauses polling, not the watch: the next poll picks the items up",
  () =>
    Effect.gen(function* () {
      const fake = fakeItems(1, 2)
      const driver = yield* fakeDriver()
      const events: Array<string> = []
      yield* Effect.forkScoped(watch(options(fake.items, driver.drive, events)))
      yield* TestClock.adjust("30 seconds")
      assert.equal(fake.polls(), 2)
      assert.deepEqual(driver.started, [])
      assert.equal(
        events.filter((e) => e.startsWith("polling paused: the forge at https://dev.azure.com/o is unavailable"))
          .length,
        2,
      )
      yield* TestClock.adjust("30 seconds")
      yield* TestClock.adjust("10 seconds")
      assert.deepEqual(driver.finished, ["Item 1"])
    }),
  Store,
)

it.effect(
  "a restarted watch resumes the live tickets a watch made, oldest first, and not other tickets",
  () =>
    Effect.gen(function* () {
      const store = yield* TicketStore
      const base = { description: "", repoUrl: "/tmp/repo", model: "mock/m1" }
      yield* store.create({ ...base, title: "Left A", source: itemOf(7).source, watched: true })
      yield* store.create({ ...base, title: "By hand" })
      const ended = yield* store.create({ ...base, title: "Ended", source: itemOf(8).source, watched: true })
      yield* store.transition(ended.id, "CANCELLED")
      yield* store.create({ ...base, title: "Left B", source: itemOf(9).source, watched: true })
      const driver = yield* fakeDriver()
      yield* Effect.forkScoped(watch(options(fakeItems(0).items, driver.drive, [])))
      yield* TestClock.adjust("10 seconds")
      assert.deepEqual(driver.started, ["Left A", "Left B"])
    }),
  Store,
)

it.effect("two watches polling the same items make one ticket per item between them", () =>
  Effect.gen(function* () {
    const a = yield* fakeDriver()
    const b = yield* fakeDriver()
    yield* Effect.forkScoped(watch(options(fakeItems(3).items, a.drive, [])))
    yield* Effect.forkScoped(watch(options(fakeItems(3).items, b.drive, [])))
    for (let i = 0; i < 3; i++) yield* TestClock.adjust("30 seconds")
    assert.equal((yield* (yield* TicketStore).list({ all: true })).length, 3)
    // Each is driven (the ticket lease, not shown by these fake drivers, keeps two processes off one ticket).
    assert.deepEqual([...new Set([...a.started, ...b.started])].sort(), ["Item 1", "Item 2", "Item 3"])
  }), Store)
