/**
 * Runs every `*_bench.ts` module in this folder, in name order, and prints the lines each returns; with
 * arguments, only the modules whose name holds one of them (`deno task bench copy_mode`).
 * A module's default export is `() => Promise<ReadonlyArray<string>>`.
 */
const here = new URL(".", import.meta.url)
const modules = [...Deno.readDirSync(here)]
  .filter((entry) => entry.isFile && entry.name.endsWith("_bench.ts"))
  .map((entry) => entry.name)
  .filter((name) => Deno.args.length === 0 || Deno.args.some((wanted) => name.includes(wanted)))
  .sort()
if (modules.length === 0) {
  console.error(`no benchmark matches ${Deno.args.join(", ")}`)
  Deno.exit(2)
}

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
