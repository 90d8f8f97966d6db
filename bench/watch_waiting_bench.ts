/**
 * What a waiting ticket costs inside `devvy watch` against a process of its own: N = 10 tickets in
 * WAIT_FOR_REVIEW on the Azure DevOps emulator, driven first by one `watch` process, then by ten
 * `resume` processes (what `run -d` starts). Prints `RATIO watch-waiting-memory` (RSS of the watch
 * process over the sum of the ten; goal < 0.2, so below 0.2 meets it) and the marginal memory of one
 * more waiting ticket in watch, from watch with 1 ticket against watch with 10 (goal < 5 MB).
 */
import { SqlClient } from "@effect/sql/SqlClient"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { bundle } from "../scripts/bundle.ts"
import { TicketLease } from "../src/services/store/TicketLease.ts"
import { TicketStore } from "../src/services/store/TicketStore.ts"
import { startAdoEmulator } from "../tests/support/ado_emulator/emulator.ts"
import { storeAt } from "../tests/support/temp_home.ts"

const N = 10
const SETTLE_MS = Number(Deno.env.get("DEVVY_BENCH_SETTLE_MS") ?? 12_000)
const pat = "bench-pat-0c4f"

const rssKb = (pid: number): number =>
  Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0)

/**
 * Starts the processes, lets them settle, and gives the peak of their summed RSS over five samples and
 * how many tickets they then held leases on (each waiting ticket must be driven for the number to mean anything).
 */
const measure = (devvy: string, env: Record<string, string>, argvs: ReadonlyArray<ReadonlyArray<string>>) =>
  Effect.acquireUseRelease(
    Effect.sync(() =>
      argvs.map((args) =>
        new Deno.Command(Deno.execPath(), {
          args: ["run", "--allow-all", "--no-check", devvy, ...args],
          env,
          stdin: "null",
          stdout: "null",
          stderr: "null",
        }).spawn()
      )
    ),
    (children) =>
      Effect.gen(function* () {
        yield* Effect.sleep(SETTLE_MS)
        let peak = 0
        for (let i = 0; i < 5; i++) {
          peak = Math.max(peak, children.reduce((sum, child) => sum + rssKb(child.pid), 0))
          yield* Effect.sleep("1 second")
        }
        const pids = new Set(children.map((child) => child.pid))
        const drivers = yield* Effect.flatMap(TicketLease, (leases) => leases.drivers()).pipe(
          Effect.provide(storeAt(env.DEVVY_HOME)),
        )
        return { peak, driven: [...drivers.values()].filter((d) => pids.has(d.pid)).length }
      }),
    (children) =>
      Effect.promise(() =>
        Promise.all(children.map(async (child) => {
          child.kill("SIGINT")
          await child.status
        }))
      ),
  )

const run = async (): Promise<ReadonlyArray<string>> => {
  const dir = await Deno.makeTempDir({ prefix: "devvy-bench-watch-" })
  try {
    return await Effect.runPromise(Effect.scoped(Effect.gen(function* () {
      const ado = yield* startAdoEmulator({ pat, repos: [{ name: "web", files: { "README.md": "# web\n" } }] })
      const home = path.join(dir, "home")
      fs.mkdirSync(home)
      // Ten tickets past CREATE_PR, each with its branch and open pull request: waiting is all that is left.
      const ids = yield* Effect.gen(function* () {
        const store = yield* TicketStore
        const sql = yield* SqlClient
        return yield* Effect.forEach(Array.from({ length: N }, (_, i) => i), (i) =>
          Effect.gen(function* () {
            const ticket = yield* store.create({
              title: `Wait ${i}`,
              description: "d",
              repoUrl: ado.repoUrl("web"),
              model: "mock/m1",
            })
            yield* ado.git("web", ["branch", ticket.branch, "main"])
            const response = yield* Effect.promise(() =>
              fetch(
                `${ado.repoUrl("web").replace("/_git/", "/_apis/git/repositories/")}/pullrequests?api-version=7.1`,
                {
                  method: "POST",
                  headers: { authorization: `Basic ${btoa(`:${pat}`)}`, "content-type": "application/json" },
                  body: JSON.stringify({
                    sourceRefName: `refs/heads/${ticket.branch}`,
                    targetRefName: "refs/heads/main",
                    title: ticket.title,
                    description: "d",
                  }),
                },
              ).then((r) => r.json())
            )
            const number = Number(response.pullRequestId)
            yield* sql`UPDATE tickets SET state = 'WAIT_FOR_REVIEW', pr_number = ${number},
                       pr_url = ${`${ado.repoUrl("web")}/pullrequest/${number}`} WHERE id = ${ticket.id}`
            return ticket.id
          }))
      }).pipe(Effect.provide(storeAt(home)))
      const watchOnly = (count: number) =>
        Effect.flatMap(
          SqlClient,
          (sql) => sql`UPDATE tickets SET watched = CASE WHEN id IN ${sql.in(ids.slice(0, count))} THEN 1 ELSE 0 END`,
        ).pipe(
          Effect.provide(storeAt(home)),
        )
      const devvy = yield* Effect.promise(() => bundle("main.ts", path.join(dir, "devvy")))
      const env = {
        DEVVY_HOME: home,
        DEVVY_CONFIG: path.join(home, "none.toml"),
        DEVVY_ADO_PAT: pat,
        DEVVY_ADO_ORG_URL: ado.orgUrl,
        DEVVY_ADO_PROJECT: ado.project,
        DEVVY_REPO_URL: ado.repoUrl("web"),
        DEVVY_MODEL: "mock/m1",
        NO_COLOR: "1",
      }
      const watch = ["watch", "--max-parallel", String(N)]
      yield* watchOnly(1)
      const one = yield* measure(devvy, env, [watch])
      yield* watchOnly(N)
      const all = yield* measure(devvy, env, [watch])
      const separate = yield* measure(devvy, env, ids.map((id) => ["resume", id]))
      for (
        const [what, m, want] of [["watch", one, 1], ["watch", all, N], ["separate drivers", separate, N]] as const
      ) {
        if (m.driven !== want) throw new Error(`${what} drove ${m.driven} waiting tickets, not ${want}`)
      }
      const mb = (kb: number) => kb / 1024
      return [
        `RATIO watch-waiting-memory ${(all.peak / separate.peak).toFixed(3)}`,
        `# watch marginal MB per waiting ticket ${(mb(all.peak - one.peak) / (N - 1)).toFixed(2)}`,
        `# ${N} waiting tickets: watch ${mb(all.peak).toFixed(0)} MB (1 ticket: ${mb(one.peak).toFixed(0)} MB), ` +
        `${N} separate drivers ${mb(separate.peak).toFixed(0)} MB in all`,
      ]
    })))
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => undefined)
  }
}

export default run

if (import.meta.main) { for (const line of await run()) console.log(line) }
