/**
 * The bundle `deno task compile` makes the binary of, and that the benchmarks run. One file, not code-split:
 * splitting cut `ps` start-up by a tenth but raised a ticket-driving process's memory by a tenth, past its
 * 100 MB goal, and that process lives for days.
 */

/** Bundles `entry` (relative to the project root) into the single file `output`. */
export const bundle = async (entry: string, output: string): Promise<string> => {
  const result = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--minify", "--platform", "deno", "-o", output, entry],
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "null",
    stderr: "piped",
  }).output()
  if (!result.success) throw new Error(`bundling ${entry} failed: ${new TextDecoder().decode(result.stderr)}`)
  return output
}
