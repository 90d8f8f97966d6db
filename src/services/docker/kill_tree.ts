/**
 * The Engine API has no way to kill an exec. The exec's host pid maps (through /proc's NSpid) to its
 * pid inside the container, and a second exec, as root, kills that process and everything under it:
 * opencode starts language servers and shells that would otherwise outlive it.
 */
import * as Effect from "effect/Effect"

/**
 * POSIX sh, so it runs in Debian's dash and in busybox. A tree killed straight from one walk of /proc
 * leaks: a child forked after the walk outlives its parent, holds the output open and hangs the stream.
 * So each member is SIGSTOPped the moment it is found (the root first), and passes over /proc add the
 * children of members (by PPid) until one adds no one. A stopped process cannot fork, and a fork racing
 * the signal either finishes with its child already listed or is undone by the kernel, so a pass begun
 * after every member was stopped sees all their children.
 */
export const killTreeScript = `
tree=" $1 "
kill -STOP "$1" 2>/dev/null
grew=1
while [ "$grew" = 1 ]; do
  grew=0
  for s in /proc/[0-9]*/status; do
    p=\${s#/proc/}; p=\${p%/status}
    case "$tree" in *" $p "*) continue ;; esac
    while read -r k v; do
      if [ "$k" = "PPid:" ]; then
        case "$tree" in *" $v "*) kill -STOP "$p" 2>/dev/null; tree="$tree$p "; grew=1 ;; esac
        break
      fi
    done 2>/dev/null < "$s"
  done
done
kill -9 $tree 2>/dev/null
exit 0
`

/**
 * The pid inside the container of a host pid; fails when this host's /proc does not show it (a remote
 * engine), because guessing would kill some other process.
 */
export const namespacePid = (hostPid: number): Effect.Effect<number, string> =>
  Effect.tryPromise({
    try: () => Deno.readTextFile(`/proc/${hostPid}/status`),
    catch: () => `pid ${hostPid} is not visible on this host`,
  }).pipe(
    Effect.flatMap((status) => {
      const ids = /^NSpid:\s*(.+)$/m.exec(status)?.[1]?.trim().split(/\s+/).map(Number) ?? []
      const inner = ids.at(-1)
      return inner !== undefined && Number.isInteger(inner) ? Effect.succeed(inner) : Effect.fail("no NSpid")
    }),
  )
