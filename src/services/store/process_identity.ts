import * as fs from "node:fs"
import * as os from "node:os"

/**
 * What tells one process from a later one given the same pid: on Linux, the start time the kernel
 * records (field 22 of /proc/<pid>/stat, after the parenthesised command name, which may hold spaces).
 * Elsewhere nothing is readable and the lease's heartbeat alone decides.
 */
export const processStart = (pid: number): string | undefined => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]
  } catch {
    return undefined
  }
}

export const hostName = (): string => os.hostname()

export const ownIdentity = () => ({ pid: Deno.pid, host: hostName(), processStart: processStart(Deno.pid) ?? "" })

/**
 * Whether the process that took a lease still runs: on this host with /proc, its pid must exist with the
 * same start time; otherwise (another host, or no /proc) a fresh heartbeat is the only evidence.
 */
export const holderAlive = (
  holder: { readonly pid: number; readonly host: string; readonly processStart: string },
  heartbeatFresh: boolean,
): boolean => {
  if (holder.host === hostName() && fs.existsSync("/proc/self/stat")) {
    return holder.processStart !== "" && processStart(holder.pid) === holder.processStart
  }
  return heartbeatFresh
}
