import assert from "node:assert/strict"
import * as path from "node:path"
import { DatabaseSync } from "node:sqlite"
import { pathToFileURL as toFileUrlNode } from "node:url"
import { bundle } from "../../scripts/bundle.ts"
import { moduleGraph, startupModules } from "../support/module_graph.ts"

const main = new URL("../../main.ts", import.meta.url).pathname

Deno.test("ps, status and logs load no Docker, forge, agent-run or pipeline code: those load only when a ticket is driven", async () => {
  const graph = [...await startupModules(main)].filter((s) => s.includes("/src/"))
  assert.ok(graph.some((s) => s.endsWith("/src/cli/ps.ts")), "the graph was read")
  const heavy = graph.filter((s) =>
    /\/src\/(pipeline|services\/docker|services\/forge\/(ado|local)|services\/workspace)\//.test(s) ||
    /\/src\/services\/agent\/(Opencode|docker_runner|AgentCredentials)\.ts$/.test(s) ||
    // Every command's lazily loaded half is named <command>_work.ts.
    /\/src\/cli\/\w+_work\.ts$/.test(s)
  )
  assert.deepEqual(heavy, [])
})

Deno.test("devvy's own modules import Effect module by module, never the effect barrel", async () => {
  // Behind the commands' dynamic imports the bundle wraps modules in lazy initialisers, and a wrapped
  // barrel initialises every Effect module: importing it cost `ps` a quarter of its start-up.
  const info = await moduleGraph(main)
  const own = info.modules.filter((m) => m.specifier.includes("/src/") || m.specifier.endsWith("/main.ts"))
  assert.ok(own.length > 50, `the graph was read (${own.length} modules)`)
  const barrel = own.filter((m) => (m.dependencies ?? []).some((d) => d.specifier === "effect"))
  assert.deepEqual(barrel.map((m) => m.specifier), [])
})

Deno.test("ps from the bundle leaves the compiled code of its modules cached for the next start", async () => {
  // Deno keeps V8's code cache only for an entry module whose evaluation ended before the process did; a
  // command that runs to its exit inside that evaluation would compile the whole bundle again at every start.
  const dir = await Deno.makeTempDir({ prefix: "devvy-code-cache-" })
  try {
    const entry = await bundle("main.ts", path.join(dir, "bundle"))
    const env = {
      DENO_DIR: path.join(dir, "deno"),
      DEVVY_HOME: path.join(dir, "home"),
      DEVVY_CONFIG: path.join(dir, "none.toml"),
      NO_COLOR: "1",
    }
    for (let i = 0; i < 2; i++) {
      const run = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-all", "--no-check", entry, "ps"],
        env,
        stdout: "null",
        stderr: "piped",
      }).output()
      assert.ok(run.success, new TextDecoder().decode(run.stderr))
    }
    const cache = new DatabaseSync(path.join(dir, "deno", "v8_code_cache_v2"), { readOnly: true })
    try {
      const cached = cache.prepare("SELECT specifier FROM codecache").all().map((row) => String(row.specifier))
      assert.ok(
        cached.includes(toFileUrlNode(entry).href),
        `the bundle's entry is not cached (${cached.length} entries)`,
      )
    } finally {
      cache.close()
    }
  } finally {
    await Deno.remove(dir, { recursive: true })
  }
})
