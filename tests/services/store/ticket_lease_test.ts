import { SqlClient } from "@effect/sql/SqlClient"
import assert from "node:assert/strict"
import { Effect, Exit, Scope } from "effect"
import * as os from "node:os"
import type { TicketId } from "../../../src/domain/TicketId.ts"
import { processStart } from "../../../src/services/store/process_identity.ts"
import { TicketLease } from "../../../src/services/store/TicketLease.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { it } from "../../support/effect_test.ts"
import { TempStore } from "../../support/temp_home.ts"

const newTicket = { title: "t", description: "", repoUrl: "/r", model: "m/m" }

/** Writes a lease as another process would have. */
const leaseFor = (id: TicketId, pid: number, start: string) =>
  Effect.flatMap(
    SqlClient,
    (sql) =>
      sql`INSERT OR REPLACE INTO ticket_leases ${
        sql.insert({ ticket_id: id, pid, host: os.hostname(), process_start: start, acquired_at: 0, heartbeat_at: 0 })
      }`,
  )

/** A real process that lives for the test, to hold a lease the way a driver does. */
const liveProcess = Effect.acquireRelease(
  Effect.sync(() => new Deno.Command("sleep", { args: ["60"] }).spawn()),
  (child) =>
    Effect.promise(async () => {
      child.kill("SIGKILL")
      await child.status
    }),
)

it.live("a held lease shows this process as the driver until its scope closes", () =>
  Effect.gen(function* () {
    const { id } = yield* (yield* TicketStore).create(newTicket)
    const lease = yield* TicketLease
    const scope = yield* Scope.make()
    yield* lease.hold(id).pipe(Scope.extend(scope))
    assert.equal((yield* lease.drivers()).get(id)?.pid, Deno.pid)
    yield* Scope.close(scope, Exit.void)
    assert.equal((yield* lease.drivers()).has(id), false)
  }), TempStore)

it.live("a lease held by another live process refuses a second driver with TicketBusy", () =>
  Effect.gen(function* () {
    const { id } = yield* (yield* TicketStore).create(newTicket)
    const child = yield* liveProcess
    yield* leaseFor(id, child.pid, processStart(child.pid) ?? "")
    const lease = yield* TicketLease
    assert.equal((yield* lease.drivers()).get(id)?.pid, child.pid)
    const busy = yield* Effect.flip(lease.hold(id))
    assert.equal(busy._tag, "TicketBusy")
    assert.match(busy.message, new RegExp(`driven by process ${child.pid}`))
  }), TempStore)

it.live("a dead or reused pid is not a driver, and its lease is taken over", () =>
  Effect.gen(function* () {
    const store = yield* TicketStore
    const dead = (yield* store.create(newTicket)).id
    const reused = (yield* store.create(newTicket)).id
    const child = yield* liveProcess
    const gone = new Deno.Command("true").spawn()
    yield* Effect.promise(() => gone.status)
    yield* leaseFor(dead, gone.pid, "12345")
    // The pid is alive, but it started at another time than the holder did: the holder is gone.
    yield* leaseFor(reused, child.pid, "1")
    const lease = yield* TicketLease
    const drivers = yield* lease.drivers()
    assert.equal(drivers.has(dead), false)
    assert.equal(drivers.has(reused), false)
    yield* lease.hold(dead)
    assert.equal((yield* lease.drivers()).get(dead)?.pid, Deno.pid)
  }), TempStore)
