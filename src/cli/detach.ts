import * as Effect from "effect/Effect"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import type { TicketId } from "../domain/TicketId.ts"

/**
 * The command that runs this same devvy again: the compiled binary itself, or `deno run` of the module
 * (source or bundle) this process was started from.
 */
const selfCommand = (): { readonly command: string; readonly args: ReadonlyArray<string> } => {
  const exec = Deno.execPath()
  if (!/^deno(\.exe)?$/.test(path.basename(exec))) return { command: exec, args: [] }
  const main = Deno.mainModule.startsWith("file:") ? fileURLToPath(Deno.mainModule) : Deno.mainModule
  return { command: exec, args: ["run", "--allow-all", main] }
}

/**
 * Starts `devvy resume <id>` in a session of its own (so a Ctrl-C or a closed terminal does not reach it),
 * its output going to the ticket's driver log, and returns its pid without waiting for it.
 */
export const detachDriver = (id: TicketId, home: string) =>
  Effect.sync(() => {
    const { command, args } = selfCommand()
    fs.mkdirSync(path.join(home, "drivers"), { recursive: true })
    const out = fs.openSync(path.join(home, "drivers", `${id}.log`), "a")
    const child = spawn(command, [...args, "resume", id], {
      detached: true,
      stdio: ["ignore", out, out],
      env: { ...Deno.env.toObject(), NO_COLOR: "1" },
    })
    child.unref()
    fs.closeSync(out)
    return child.pid ?? 0
  })
