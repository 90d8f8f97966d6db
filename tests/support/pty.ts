/**
 * Runs the real `devvy` under a pseudo-terminal, as a user at a terminal would: util-linux `script` gives
 * the program a PTY for stdin and stdout and copies what it writes. Only the variables given reach it.
 */
import { devvyArgs, devvyEnv } from "./devvy_cli.ts"

const quote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`

export interface PtyResult {
  readonly code: number
  /** Everything written to the terminal, escape codes and carriage returns included. */
  readonly output: string
}

export const devvyOnTerminal = async (
  home: string,
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
): Promise<PtyResult> => {
  // A fixed size, so what is drawn does not depend on the terminal the tests run in.
  const command = `stty cols 160 rows 50; exec ${[Deno.execPath(), ...devvyArgs(args)].map(quote).join(" ")}`
  const output = await new Deno.Command("script", {
    args: ["--quiet", "--return", "--flush", "--command", command, "/dev/null"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env: devvyEnv(home, { TERM: "xterm-256color", ...env }),
  }).output()
  const decoder = new TextDecoder()
  return { code: output.code, output: decoder.decode(output.stdout) + decoder.decode(output.stderr) }
}
