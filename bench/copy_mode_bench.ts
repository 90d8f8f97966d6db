/**
 * What copying the workspace costs a ticket: the same ticket on the same repository (2,000 files, 50 MB,
 * its history packed) and the same engine, with docker.workspace_mode "bind" and "copy", taken in turns. Each ticket's
 * overhead is measured as ticket_overhead_bench.ts measures it (wall time less opencode, the scripts and
 * the review wait), so the copies in and out of the worker and the validation container are all in it.
 * Prints `RATIO copy-mode-ticket-overhead <copy overhead / bind overhead>` (goal < 1.5).
 */
import { Effect } from "effect"
import { ticketHome } from "../tests/pipeline/support/ticket_harness.ts"
import { benchScript, median, ticketOverhead } from "./ticket_overhead_bench.ts"

const TICKETS = Number(Deno.env.get("DEVVY_BENCH_TICKETS") ?? 3)
const FILES = 2000
const FILE_BYTES = 25 * 1024

/** Text that compresses about as well as source code does not: hex of random bytes (2:1 in git's packs). */
const fileText = (size: number): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(size / 2))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
}

const largeRepository = (): Record<string, string> => {
  const files: Record<string, string> = {
    "src/scripts/format.sh": "true\n",
    "src/scripts/run-tests.sh": "true\n",
  }
  for (let i = 0; i < FILES; i++) files[`src/m${i % 40}/f${i}.txt`] = fileText(FILE_BYTES)
  return files
}

const bench = (): Promise<ReadonlyArray<string>> =>
  Effect.runPromise(Effect.scoped(Effect.gen(function* () {
    // The tickets' containers, images and home go with the scope, also when a ticket fails midway.
    const { repo, pipeline } = yield* ticketHome(benchScript)
    const origin = repo(largeRepository())
    // Packed, as a repository on a forge is and as every clone gets it: not 2,000 loose objects.
    const packed = new Deno.Command("git", { args: ["gc", "--quiet"], cwd: origin }).outputSync()
    if (!packed.success) throw new Error(`git gc: ${new TextDecoder().decode(packed.stderr)}`)
    const overheads = { bind: [] as Array<number>, copy: [] as Array<number> }
    for (let i = 0; i < TICKETS; i++) {
      for (const mode of ["bind", "copy"] as const) {
        const overhead = ticketOverhead(origin, `Bench ${mode} ${i}`)
        overheads[mode].push(yield* overhead.pipe(Effect.provide(pipeline({ DEVVY_WORKSPACE_MODE: mode }))))
      }
    }
    const bind = median(overheads.bind)
    const copy = median(overheads.copy)
    return [
      `RATIO copy-mode-ticket-overhead ${(copy / bind).toFixed(3)}`,
      `# ticket overhead median: copy ${copy.toFixed(0)} ms, bind ${bind.toFixed(0)} ms ` +
      `(${TICKETS} tickets each, ${FILES} files, ${(FILES * FILE_BYTES / 1e6).toFixed(0)} MB)`,
    ]
  })))

export default bench

if (import.meta.main) { for (const line of await bench()) console.log(line) }
