/**
 * Builds the single `devvy` binary: bundle and minify first (start-up drops by half against running
 * the module graph from source), then `deno compile` the bundle's entry, which takes its chunks in, with
 * worker.dockerfile embedded so the binary alone can build the worker image. `deno compile` downloads
 * its runtime base from Deno's own download host, so this needs that host reachable.
 *
 *   deno task compile                                       # this machine's target, as dist/devvy
 *   deno task compile --target aarch64-apple-darwin         # one release target, as dist/devvy-<target>
 *   deno task compile --all                                 # every release target
 */
import { bundle } from "./bundle.ts"

export const targets = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
] as const

/** The targets the arguments ask for (`--target T`, repeatable, or `--all`); `undefined` is this machine's. */
export const chosenTargets = (args: ReadonlyArray<string>): ReadonlyArray<string | undefined> => {
  if (args.includes("--all")) return targets
  const asked = args.flatMap((arg, i) => arg === "--target" ? [args[i + 1] ?? ""] : [])
  const unknown = asked.filter((t) => !(targets as ReadonlyArray<string>).includes(t))
  if (unknown.length > 0) {
    throw new Error(
      `unknown --target ${unknown.map((t) => `"${t}"`).join(", ")}; expected one of ${targets.join(", ")}`,
    )
  }
  return asked.length > 0 ? asked : [undefined]
}

const run = async (args: ReadonlyArray<string>) => {
  console.log(`$ deno ${args.join(" ")}`)
  const { code } = await new Deno.Command(Deno.execPath(), { args: [...args], stdout: "inherit", stderr: "inherit" })
    .output()
  if (code !== 0) Deno.exit(code)
}

if (import.meta.main) {
  const chosen = chosenTargets(Deno.args)
  await Deno.remove("dist/bundle", { recursive: true }).catch(() => undefined)
  console.log("$ deno bundle --minify --code-splitting --outdir dist/bundle main.ts")
  const entry = await bundle("main.ts", "dist/bundle")
  for (const target of chosen) await compile(entry, target)
}

async function compile(entry: string, target: string | undefined) {
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
