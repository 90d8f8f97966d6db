/**
 * Builds the single `devvy` binary: bundle and minify first (start-up drops by half against running
 * the module graph from source), then `deno compile` the bundle's entry, which takes its chunks in, with
 * worker.dockerfile embedded so the binary alone can build the worker image. `deno compile` downloads
 * its runtime base from Deno's own download host, so this needs that host reachable.
 *
 *   deno task compile                 # this machine's target
 *   deno task compile --all           # every release target
 */
import { bundle } from "./bundle.ts"

const targets = ["x86_64-unknown-linux-gnu", "aarch64-unknown-linux-gnu", "x86_64-apple-darwin", "aarch64-apple-darwin"]

const run = async (args: ReadonlyArray<string>) => {
  console.log(`$ deno ${args.join(" ")}`)
  const { code } = await new Deno.Command(Deno.execPath(), { args: [...args], stdout: "inherit", stderr: "inherit" })
    .output()
  if (code !== 0) Deno.exit(code)
}

await Deno.remove("dist/bundle", { recursive: true }).catch(() => undefined)
console.log("$ deno bundle --minify --code-splitting --outdir dist/bundle main.ts")
const entry = await bundle("main.ts", "dist/bundle")
const chosen = Deno.args.includes("--all") ? targets : [undefined]
for (const target of chosen) {
  const output = target === undefined ? "dist/devvy" : `dist/devvy-${target}`
  await run([
    "compile",
    "--allow-all",
    "--include",
    "worker.dockerfile",
    "--output",
    output,
    ...(target === undefined ? [] : ["--target", target]),
    entry,
  ])
}
