/**
 * devvy's own overhead for a ticket, against the raw operations it performs, in one run. A real ticket
 * runs on the local forge with the scripted model and trivial scripts; its overhead is its wall time
 * less what is not devvy's: opencode's runs, the repository's scripts and the wait for the reviewer
 * (all read back from the ticket's spans and history). The reference is the same work done by hand with
 * the git and docker CLIs: clone, commit and push a branch; create, start and remove the worker; create,
 * start, run the script in and remove the validation container.
 * Prints `RATIO ticket-overhead <devvy overhead / raw operations>`.
 */
import { SqlClient } from "@effect/sql/SqlClient"
import { Effect, Schema } from "effect"
import * as path from "node:path"
import { driveTicket } from "../src/pipeline/runner.ts"
import { approve } from "../src/services/forge/local/LocalReview.ts"
import { TicketStore } from "../src/services/store/TicketStore.ts"
import { awaitReview } from "../tests/pipeline/support/review_driver.ts"
import { newTicket, ticketHome } from "../tests/pipeline/support/ticket_harness.ts"

const TICKETS = Number(Deno.env.get("DEVVY_BENCH_TICKETS") ?? 3)

/**
 * What the scripted agent does in a bench ticket: hello.txt, and a file of its own, so that a ticket after
 * another one merged still has a change to propose (CREATE_PR fails a branch with nothing new).
 */
export const benchScript = {
  implement: { "hello.txt": "hello\n" },
  implementCommands: ['echo hello > "$(mktemp -p . hello-XXXXXX.txt)"'],
}

export const median = (values: Array<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const sh = async (command: string, args: Array<string>, cwd?: string) => {
  const out = await new Deno.Command(command, {
    args,
    ...(cwd === undefined ? {} : { cwd }),
    env: { DOCKER_API_VERSION: "1.41" },
    stdout: "piped",
    stderr: "piped",
  }).output()
  if (!out.success) throw new Error(`${command} ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`)
  return new TextDecoder().decode(out.stdout).trim()
}

/** The raw operations a ticket needs, done with the CLIs. */
const rawOperations = async (origin: string, image: string, dir: string): Promise<number> => {
  const start = performance.now()
  const clone = path.join(dir, `raw-${crypto.randomUUID().slice(0, 8)}`)
  await sh("git", ["clone", "--quiet", origin, clone])
  await sh("git", ["checkout", "--quiet", "-b", `raw/${path.basename(clone)}`], clone)
  await Deno.writeTextFile(path.join(clone, `${path.basename(clone)}.txt`), "hello\n")
  await sh("git", ["add", "--all"], clone)
  await sh("git", ["-c", "user.name=b", "-c", "user.email=b@b", "commit", "--quiet", "-m", "raw"], clone)
  await sh("git", ["push", "--quiet", "origin", `raw/${path.basename(clone)}`], clone)
  // The worker, then the throw-away validation container that runs a script: two containers, as devvy uses.
  for (const script of [false, true]) {
    const id = await sh("docker", ["create", "-v", `${clone}:/workspace`, image, "sleep", "infinity"])
    try {
      await sh("docker", ["start", id])
      if (script) await sh("docker", ["exec", id, "bash", "/workspace/src/scripts/run-tests.sh"])
    } finally {
      await sh("docker", ["rm", "-f", id])
    }
  }
  return performance.now() - start
}

const SpanTotals = Schema.Struct({ name: Schema.String, total: Schema.Number })

/**
 * Drives one ticket on `origin` to MERGED (a reviewer approves as soon as it waits) and returns devvy's
 * overhead in it: the wall time less opencode's runs, the scripts' execs and the wait for the reviewer.
 */
export const ticketOverhead = (origin: string, title: string) =>
  Effect.gen(function* () {
    const store = yield* TicketStore
    const sql = yield* SqlClient
    const ticket = yield* newTicket(origin, title)
    yield* Effect.forkScoped(awaitReview(ticket.id).pipe(Effect.zipRight(approve(ticket.id))))
    const start = performance.now()
    const done = yield* driveTicket(ticket.id, () => Effect.void)
    const wall = performance.now() - start
    if (done.state !== "MERGED") throw new Error(`bench ticket ended ${done.state}: ${done.error}`)
    // Spans reach the store within a second of ending.
    yield* Effect.sleep("1500 millis")
    // The execs devvy runs for itself (copy mode's bookkeeping in the worker) are devvy's overhead.
    const totals = yield* sql`SELECT s.name AS name, SUM(s.end_us - s.start_us) / 1000.0 AS total
                              FROM spans s LEFT JOIN spans p ON p.span_id = s.parent_span_id
                              WHERE s.ticket_id = ${ticket.id} AND (s.name = 'Opencode.run' OR (s.name = 'Docker.exec'
                                AND (p.name IS NULL OR p.name NOT IN ('Worker.prepareRun', 'Worker.copyOut', 'Workspace.copyOut', 'Copies.push'))))
                              GROUP BY s.name`.pipe(Effect.flatMap(Schema.decodeUnknown(Schema.Array(SpanTotals))))
    const history = yield* store.history(ticket.id)
    const waitStart = history.find((h) => h.to === "WAIT_FOR_REVIEW")?.at.getTime() ?? 0
    const waitEnd = history.find((h) => h.from === "WAIT_FOR_REVIEW")?.at.getTime() ?? waitStart
    return wall - totals.reduce((sum, t) => sum + t.total, 0) - (waitEnd - waitStart)
  }).pipe(Effect.scoped)

export default async (): Promise<ReadonlyArray<string>> => {
  const dir = await Deno.makeTempDir({ prefix: "devvy-bench-ticket-" })
  try {
    return await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      // The tickets' containers and images go with the scope, also when a ticket fails midway.
      const { workerImage, repo, pipeline } = yield* ticketHome(benchScript)
      const origin = repo({ "src/scripts/run-tests.sh": "true\n" })
      const overheads: Array<number> = []
      const raws: Array<number> = []
      yield* Effect.gen(function* () {
        for (let i = 0; i < TICKETS; i++) {
          raws.push(yield* Effect.promise(() => rawOperations(origin, workerImage, dir)))
          overheads.push(yield* ticketOverhead(origin, `Bench ${i}`))
        }
      }).pipe(Effect.provide(pipeline()))
      return [
        `RATIO ticket-overhead ${(median(overheads) / median(raws)).toFixed(3)}`,
        `# ticket overhead median ${median(overheads).toFixed(0)} ms, raw operations median ${
          median(raws).toFixed(0)
        } ms (${TICKETS} tickets)`,
      ]
    })))
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => undefined)
  }
}
