import assert from "node:assert/strict"
import * as path from "node:path"
import { bundle } from "../../scripts/bundle.ts"
import { moduleGraph, startupModules } from "../support/module_graph.ts"

// `deno compile` cannot run here (it downloads its runtime base), so this checks what it is given: it takes
// in the modules the entry reaches, so a chunk the entry does not reach would be missing from the binary.
Deno.test("the bundle's entry reaches every chunk, carries worker.dockerfile, and runs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "devvy-bundle-" })
  try {
    const entry = await bundle("main.ts", dir)
    const files = [...Deno.readDirSync(dir)].map((f) => f.name).sort()
    assert.ok(files.length > 1, `the bundle is split (${files.join(", ")})`)

    const graph = await moduleGraph(entry)
    const reached = new Set(
      graph.modules.flatMap((m) => m.specifier.startsWith("file://") ? [path.basename(m.specifier)] : []),
    )
    assert.deepEqual(files.filter((f) => !reached.has(f)), [])

    const dockerfile = await Deno.readTextFile(new URL("../../worker.dockerfile", import.meta.url))
    const marker = "ARG OPENCODE_VERSION="
    const line = dockerfile.split("\n").find((l) => l.startsWith(marker))
    assert.ok(line !== undefined)
    const chunks = await Promise.all(files.map((f) => Deno.readTextFile(path.join(dir, f))))
    assert.ok(chunks.some((text) => text.includes(line)), `no chunk carries "${line}"`)

    const run = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "--no-check", entry, "--version"],
      stdout: "piped",
      stderr: "piped",
    }).output()
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr))
    assert.match(new TextDecoder().decode(run.stdout), /\d+\.\d+\.\d+/)
  } finally {
    await Deno.remove(dir, { recursive: true })
  }
})

Deno.test("the bundle loads no CommonJS support at start-up", async () => {
  // A CommonJS package anywhere in the bundle makes its shared chunk import node:module for `require`,
  // and every command, `ps` included, then paid about 4 ms to load it before doing anything.
  const dir = await Deno.makeTempDir({ prefix: "devvy-bundle-" })
  try {
    const loaded = await startupModules(await bundle("main.ts", dir))
    assert.ok(loaded.has("node:sqlite"), `the start-up graph was read (${[...loaded].join(", ")})`)
    assert.equal(loaded.has("node:module"), false)
  } finally {
    await Deno.remove(dir, { recursive: true })
  }
})
