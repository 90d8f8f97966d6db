import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { stdoutIsTerminal } from "./terminal.ts"

/**
 * Long output goes through `$PAGER` on a terminal, as git does: `less` when PAGER is unset, with LESS=FRX (quit
 * when it fits one screen, keep colours, leave the text on screen) unless LESS is set; PAGER empty or `cat`
 * prints directly. Off a terminal the text is printed as it is.
 */
export const page = (text: string): Effect.Effect<void> =>
  Effect.gen(function* () {
    const pager = Deno.env.get("PAGER") ?? "less"
    if (!stdoutIsTerminal() || pager.trim() === "" || pager.trim() === "cat") return yield* Console.log(text)
    const paged = yield* Effect.tryPromise(async () => {
      const child = new Deno.Command("sh", {
        args: ["-c", pager],
        stdin: "piped",
        stdout: "inherit",
        stderr: "inherit",
        env: Deno.env.get("LESS") === undefined ? { LESS: "FRX" } : {},
      }).spawn()
      const writer = child.stdin.getWriter()
      // A pager quit before the end (q in less) closes its stdin: the rest is not wanted.
      await writer.write(new TextEncoder().encode(text.endsWith("\n") ? text : `${text}\n`)).catch(() => undefined)
      await writer.close().catch(() => undefined)
      // 127: the shell found no such pager, so nothing was shown.
      return (await child.status).code !== 127
    }).pipe(Effect.orElseSucceed(() => false))
    if (!paged) yield* Console.log(text)
  })
