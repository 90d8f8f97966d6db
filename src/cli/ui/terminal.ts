/** Colours and spinners only on a terminal, and never with NO_COLOR set (https://no-color.org). */
export const stdoutIsTerminal = (): boolean => Deno.stdout.isTerminal()
export const stdinIsTerminal = (): boolean => Deno.stdin.isTerminal()

export const colorEnabled = (): boolean => {
  const noColor = Deno.env.get("NO_COLOR")
  return stdoutIsTerminal() && (noColor === undefined || noColor === "")
}

const wrap = (code: string) => (text: string): string => colorEnabled() ? `\x1b[${code}m${text}\x1b[0m` : text

export const bold = wrap("1")
export const dim = wrap("2")
export const red = wrap("31")
export const green = wrap("32")
export const yellow = wrap("33")
export const cyan = wrap("36")
