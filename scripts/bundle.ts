/**
 * The bundle `deno task compile` makes the binary of, and that the benchmarks run: code-split, so a
 * command loads the chunks it imports and no more (`ps` leaves the pipeline's chunk unread), and `deno
 * compile` takes the chunks in through their literal imports. Split, `ps` starts about a tenth sooner
 * than from one file; a ticket's driver loads nearly every chunk either way.
 */
import * as path from "node:path"

/** Bundles `entry` (relative to the project root) into the folder `outDir`; gives the entry's file there. */
export const bundle = async (entry: string, outDir: string): Promise<string> => {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--minify", "--code-splitting", "--platform", "deno", "--outdir", outDir, entry],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "null",
    stderr: "piped",
  }).output()
  if (!result.success) throw new Error(`bundling ${entry} failed: ${new TextDecoder().decode(result.stderr)}`)
  return path.join(outDir, `${path.basename(entry, path.extname(entry))}.js`)
}
