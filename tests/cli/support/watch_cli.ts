/**
 * `devvy watch` run as a user runs it, in a ticket home of the test's own, over whichever forge a test
 * emulates: killed with -9 part-way, started again, and left to take every ticket to its end.
 */
import assert from "node:assert/strict"
import { Effect } from "effect"
import type { TicketSummary } from "../../../src/domain/Ticket.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { devvy, devvyArgs, devvyEnv } from "../../support/devvy_cli.ts"
import { storeAt } from "../../support/temp_home.ts"

/**
 * `devvy watch` as a separate process, stopped when the test's scope closes if it is still running: with
 * Ctrl-C, so that it ends what it started (a git clone would otherwise go on writing into the home being
 * removed), and with kill -9 if it has not ended 20 seconds later.
 */
export const startWatch = (home: string, env: Record<string, string>, maxParallel: number) =>
  Effect.acquireRelease(
    Effect.sync(() =>
      new Deno.Command(Deno.execPath(), {
        args: devvyArgs(["watch", "--max-parallel", String(maxParallel)]),
        clearEnv: true,
        env: devvyEnv(home, env),
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn()
    ),
    (child) =>
      Effect.promise(async () => {
        const signal = (name: Deno.Signal) => {
          try {
            child.kill(name)
          } catch {
            // It has ended already.
          }
        }
        signal("SIGINT")
        const timer = setTimeout(() => signal("SIGKILL"), 20_000)
        await child.status
        clearTimeout(timer)
      }),
  )

/** The forge's side of a watch: the reviewer, and what the items it watches were told. */
export interface WatchedForge {
  /** How many tickets the watch must make. */
  readonly items: number
  /** The reviewer merges the ticket's pull request if it is still open. */
  readonly merge: (ticket: TicketSummary) => Effect.Effect<void>
  /** How many comments each watched item has. */
  readonly commentCounts: Effect.Effect<ReadonlyArray<number>>
}

export interface WatchedRun {
  readonly tickets: ReadonlyArray<TicketSummary>
  readonly histories: ReadonlyArray<ReadonlyArray<{ readonly to: string; readonly at: Date }>>
}

/**
 * `devvy watch --max-parallel N` in `home` killed with -9 once a ticket waits for review, then started
 * again: the new process must show in `ps` as the driver of what it resumed, take every ticket to MERGED
 * (the reviewer merging each pull request that waits) with two comments on each item, leave no driver
 * running and end with 130 on Ctrl-C. What it stored is returned for the forge's own assertions.
 */
export const watchKilledAndRestarted = (
  home: string,
  env: Record<string, string>,
  maxParallel: number,
  forge: WatchedForge,
): Effect.Effect<WatchedRun> =>
  Effect.scoped(Effect.gen(function* () {
    const store = yield* TicketStore
    const tickets = store.list({ all: true })
    const until = (ready: (all: ReadonlyArray<TicketSummary>) => boolean, what: string) =>
      Effect.gen(function* () {
        for (let i = 0; i < 1500; i++) {
          const all = yield* tickets
          if (ready(all)) return all
          assert.ok(all.every((t) => t.state !== "FAILED"), JSON.stringify(all))
          assert.ok(all.length <= forge.items, `more tickets than watched items: ${JSON.stringify(all)}`)
          yield* Effect.sleep("200 millis")
        }
        return yield* Effect.dieMessage(`timed out waiting for ${what}`)
      })

    const first = yield* startWatch(home, env, maxParallel)
    yield* until((all) => all.some((t) => t.state === "WAIT_FOR_REVIEW"), "a ticket waiting for review")
    first.kill("SIGKILL")
    yield* Effect.promise(() => first.status)

    const second = yield* startWatch(home, env, maxParallel)
    // ps shows the restarted watch as the driver of the tickets it resumed.
    for (let i = 0; i < 300; i++) {
      const ps = yield* Effect.promise(() => devvy(home, ["ps", "--json"], env))
      if (ps.stdout.includes(`Running (pid ${second.pid})`)) break
      assert.ok(i < 299, `ps never showed watch (pid ${second.pid}) driving a ticket: ${ps.stdout}`)
      yield* Effect.sleep("200 millis")
    }
    // The reviewer merges each pull request once its ticket waits for review.
    yield* until(
      (all) => all.length === forge.items && all.every((t) => t.state === "MERGED"),
      `${forge.items} merged tickets`,
    ).pipe(
      // raceFirst: a failed wait (a FAILED ticket, a timeout) must end the reviewer too, not wait on it forever.
      Effect.raceFirst(Effect.forever(Effect.gen(function* () {
        for (const t of yield* tickets) if (t.state === "WAIT_FOR_REVIEW" && t.prNumber !== null) yield* forge.merge(t)
        yield* Effect.sleep("300 millis")
      }))),
    )
    // The closing comment follows the MERGED transition: wait for it before stopping the watch.
    for (let i = 0; i < 300; i++) {
      if ((yield* forge.commentCounts).every((n) => n >= 2)) break
      yield* Effect.sleep("200 millis")
    }
    const ps = yield* Effect.promise(() => devvy(home, ["ps", "--json"], env))
    assert.equal(ps.stdout.trim(), "[]")
    second.kill("SIGINT")
    assert.equal((yield* Effect.promise(() => second.status)).code, 130)

    const all = yield* tickets
    return { tickets: all, histories: yield* Effect.forEach(all, (t) => store.history(t.id)) }
  })).pipe(Effect.provide(storeAt(home)), Effect.orDie)
