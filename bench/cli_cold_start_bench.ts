/**
 * `devvy ps` and `devvy status` from the bundle that `deno task compile` compiles, on a store of 10,000
 * tickets and 1,000,000 log lines, against the framework's floor: a bundled @effect/cli program with one
 * command that prints a line. Both are started alternately in one run; prints
 * `RATIO ps-cold-start <ps median / floor median>` and the same for status.
 */
import { DatabaseSync } from "node:sqlite"
import * as path from "node:path"
import { Effect, Layer } from "effect"
import { DevvyPaths } from "../src/services/config/DevvyPaths.ts"
import { DatabaseLive } from "../src/services/store/Database.ts"
import { bundle } from "../scripts/bundle.ts"

const ITERATIONS = Number(Deno.env.get("DEVVY_BENCH_ITERATIONS") ?? 15)
const TICKETS = 10_000
const LOG_LINES = 1_000_000
const root = new URL("..", import.meta.url).pathname

const median = (values: Array<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

const floorSource = `
import * as Command from "@effect/cli/Command"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Console, Effect } from "effect"
const hello = Command.make("hello", {}, () => Console.log("hello"))
const cli = Command.run(Command.make("floor").pipe(Command.withSubcommands([hello])), { name: "floor", version: "1" })
cli(process.argv).pipe(Effect.provide(NodeContext.layer), NodeRuntime.runMain)
`

/** A store as a heavy user's would be after months: mostly finished tickets, a long log each. */
const seed = async (home: string): Promise<string> => {
  await Effect.runPromise(
    Layer.launch(DatabaseLive).pipe(
      Effect.timeout("1 millis"),
      Effect.ignore,
      Effect.provide(DevvyPaths.at(home)),
    ),
  )
  const db = new DatabaseSync(path.join(home, "devvy.db"))
  db.exec("BEGIN")
  const ticket = db.prepare(`INSERT INTO tickets (id, title, description, repo_url, model, state, branch, pr_number,
    retry_count, created_at, updated_at) VALUES (?, ?, '', '/r', 'm/m', ?, ?, ?, 0, ?, ?)`)
  const history = db.prepare("INSERT INTO state_history (ticket_id, from_state, to_state, at) VALUES (?, ?, ?, ?)")
  const log = db.prepare("INSERT INTO logs (ticket_id, phase, level, at, message) VALUES (?, 'PLAN', 'info', ?, ?)")
  const ids: Array<string> = []
  for (let i = 0; i < TICKETS; i++) {
    const id = i.toString(16).padStart(6, "0")
    ids.push(id)
    const state = i % 100 === 0 ? "WAIT_FOR_REVIEW" : "MERGED"
    ticket.run(id, `Ticket number ${i}`, state, `agent/${id}`, i, i, i)
    history.run(id, null, "RECEIVED", i)
    history.run(id, "RECEIVED", state, i + 1)
  }
  for (let i = 0; i < LOG_LINES; i++) log.run(ids[i % TICKETS], i, `opencode: tool bash completed (line ${i})`)
  db.exec("COMMIT")
  db.close()
  return ids[0]
}

const timeRun = async (args: ReadonlyArray<string>, env: Record<string, string>) => {
  const start = performance.now()
  const result = await new Deno.Command(Deno.execPath(), { args: [...args], env, stdout: "null", stderr: "piped" })
    .output()
  const elapsed = performance.now() - start
  if (!result.success) throw new Error(`${args.join(" ")} failed: ${new TextDecoder().decode(result.stderr)}`)
  return elapsed
}

export default async (): Promise<ReadonlyArray<string>> => {
  const dir = await Deno.makeTempDir({ prefix: "devvy-bench-cold-" })
  try {
    const devvy = await bundle("main.ts", path.join(dir, "devvy"))
    const floorEntry = path.join(root, `.bench-floor-${Deno.pid}.ts`)
    await Deno.writeTextFile(floorEntry, floorSource)
    const floorBundle = await bundle(path.basename(floorEntry), path.join(dir, "floor")).finally(() =>
      Deno.remove(floorEntry)
    )
    const home = path.join(dir, "home")
    const live = await seed(home)
    const env = { DEVVY_HOME: home, DEVVY_CONFIG: path.join(home, "none.toml"), HOME: dir, NO_COLOR: "1" }
    const run = (file: string, ...rest: Array<string>) => ["run", "--allow-all", "--no-check", file, ...rest]
    const contenders = {
      floor: run(floorBundle, "hello"),
      ps: run(devvy, "ps"),
      status: run(devvy, "status", live),
    }
    const times: Record<keyof typeof contenders, Array<number>> = { floor: [], ps: [], status: [] }
    for (const args of Object.values(contenders)) await timeRun(args, env)
    for (let i = 0; i < ITERATIONS; i++) {
      for (const [name, args] of Object.entries(contenders) as Array<[keyof typeof contenders, Array<string>]>) {
        times[name].push(await timeRun(args, env))
      }
    }
    const floor = median(times.floor)
    return [
      `RATIO ps-cold-start ${(median(times.ps) / floor).toFixed(3)}`,
      `RATIO status-cold-start ${(median(times.status) / floor).toFixed(3)}`,
      `# cold start medians: floor ${floor.toFixed(0)} ms, ps ${median(times.ps).toFixed(0)} ms, ` +
      `status ${median(times.status).toFixed(0)} ms (${TICKETS} tickets, ${LOG_LINES} log lines)`,
    ]
  } finally {
    await Deno.remove(dir, { recursive: true })
  }
}
