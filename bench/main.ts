/**
 * Runs every `*_bench.ts` module in this folder, in name order, and prints the lines each returns.
 * A module's default export is `() => Promise<ReadonlyArray<string>>`.
 */
const here = new URL(".", import.meta.url)
const modules = [...Deno.readDirSync(here)]
  .filter((entry) => entry.isFile && entry.name.endsWith("_bench.ts"))
  .map((entry) => entry.name)
  .sort()

let failed = false
for (const name of modules) {
  const module: { default?: () => Promise<ReadonlyArray<string>> } = await import(new URL(name, here).href)
  if (typeof module.default !== "function") {
    console.error(`${name}: no default export to run`)
    failed = true
    continue
  }
  try {
    for (const line of await module.default()) console.log(line)
  } catch (error) {
    console.error(`${name} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
    failed = true
  }
}
if (failed) Deno.exit(1)
