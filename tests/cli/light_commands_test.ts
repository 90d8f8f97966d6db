import assert from "node:assert/strict"
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
