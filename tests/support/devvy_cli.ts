import * as path from "node:path"

const main = new URL("../../main.ts", import.meta.url).pathname

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs the real `devvy` program from source as a user would, with no terminal (stdin closed), in a
 * DEVVY_HOME of the test's own. Only the variables given reach it, so the machine's config cannot leak in.
 */
export const devvy = async (
  home: string,
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
): Promise<CliResult> => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: home,
      DEVVY_HOME: home,
      DEVVY_CONFIG: path.join(home, "config.toml"),
      DENO_DIR: Deno.env.get("DENO_DIR") ?? path.join(Deno.env.get("HOME") ?? "/root", ".cache", "deno"),
      ...env,
    },
  }).output()
  const decoder = new TextDecoder()
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) }
}
