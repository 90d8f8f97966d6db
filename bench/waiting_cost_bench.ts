/**
 * The cost of waiting: CPU and memory of a `devvy resume` process holding a ticket in WAIT_FOR_REVIEW,
 * sampled from /proc over a minute after it settles, with the default poll interval. Goals: under 1% of
 * a core and under 100 MB. Prints `RATIO waiting-cpu <share of a core / 1%>` and
 * `RATIO waiting-memory <peak RSS / 100 MB>`: below 1 meets the goal.
 */
import { Effect, Fiber } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { bundle } from "../scripts/bundle.ts"
import { driveTicket } from "../src/pipeline/runner.ts"
import { TicketStore } from "../src/services/store/TicketStore.ts"
import { awaitReview } from "../tests/pipeline/support/review_driver.ts"
import { mockModelSettings, newTicket, ticketHome } from "../tests/pipeline/support/ticket_harness.ts"
import { benchScript } from "./ticket_overhead_bench.ts"

const SETTLE_MS = 15_000
const WINDOW_MS = Number(Deno.env.get("DEVVY_BENCH_WAIT_MS") ?? 60_000)
const CLOCK_TICKS = 100

/** User plus system CPU time of a process, in clock ticks, and its resident memory in kB. */
const sample = (pid: number) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
  const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? "0"
  return { ticks: Number(fields[11]) + Number(fields[12]), rssKb: Number(rss) }
}

export default async (): Promise<ReadonlyArray<string>> => {
  const dir = await Deno.makeTempDir({ prefix: "devvy-bench-wait-" })
  try {
    return await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      // The waiting ticket's worker goes with the scope, after the process below has been stopped.
      const { home, model, workerImage, repo, pipeline } = yield* ticketHome(benchScript)
      const origin = repo({})
      // A real ticket brought to WAIT_FOR_REVIEW, its driver then stopped.
      const id = yield* Effect.gen(function* () {
        const ticket = yield* newTicket(origin, "Wait")
        const driver = yield* Effect.fork(driveTicket(ticket.id, () => Effect.void))
        yield* awaitReview(ticket.id)
        yield* Fiber.interrupt(driver)
        return ticket.id
      }).pipe(Effect.provide(pipeline({ DEVVY_POLL_INTERVAL: "30" })))
      // The bundle is what `deno task compile` makes the binary of: what users run.
      const devvy = yield* Effect.promise(() => bundle("main.ts", path.join(dir, "devvy")))
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "--no-check", devvy, "resume", id],
        env: {
          DEVVY_HOME: home,
          DEVVY_CONFIG: path.join(home, "none.toml"),
          // The default poll interval: what a user's waiting process does.
          ...mockModelSettings(home, model, workerImage),
          NO_COLOR: "1",
        },
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn()
      yield* Effect.addFinalizer(() =>
        Effect.promise(async () => {
          child.kill("SIGTERM")
          await child.status
        })
      )
      yield* Effect.sleep(SETTLE_MS)
      const first = sample(child.pid)
      let peakKb = first.rssKb
      const samples = Math.max(1, Math.floor(WINDOW_MS / 1000))
      for (let i = 0; i < samples; i++) {
        yield* Effect.sleep("1 second")
        peakKb = Math.max(peakKb, sample(child.pid).rssKb)
      }
      const last = sample(child.pid)
      const cpuShare = (last.ticks - first.ticks) / CLOCK_TICKS / samples
      const state = yield* Effect.flatMap(TicketStore, (store) => store.get(id)).pipe(
        Effect.map((ticket) => ticket.state),
        Effect.provide(pipeline()),
      )
      return [
        `RATIO waiting-cpu ${(cpuShare / 0.01).toFixed(3)}`,
        `RATIO waiting-memory ${(peakKb / 1024 / 100).toFixed(3)}`,
        `# waiting in ${state} for ${samples} s: ${(cpuShare * 100).toFixed(2)}% of a core, peak RSS ${
          (peakKb / 1024).toFixed(0)
        } MB`,
      ]
    })))
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => undefined)
  }
}
