/**
 * The Engine API has no way to kill an exec, and the pid exec inspect reports is one of the engine's
 * host, which devvy may not be on (tcp://). So every exec devvy starts carries a mark in its environment,
 * and killing it is a second exec that finds the marked processes from inside the container and kills
 * them with everything under them: opencode starts language servers and shells that would otherwise
 * outlive it.
 */

/** The environment variable that marks an exec's processes; its value is unique to the exec. */
export const EXEC_MARK = "DEVVY_EXEC_MARK"

export const newExecMark = (): string => crypto.randomUUID()

/**
 * POSIX sh, so it runs in Debian's dash and in busybox; `$1` is `DEVVY_EXEC_MARK=<mark>`, letters, digits,
 * `_`, `=` and `-` only, so it is its own regular expression (busybox's `grep -F` stops at the first NUL
 * of an environ file). It runs as the
 * exec's own user: /proc/<pid>/environ is readable only by the same user (or with CAP_SYS_PTRACE, which
 * containers do not get), and that user may signal its processes. Prints `killed` when it found any.
 *
 * A tree killed straight from one walk of /proc leaks: a child forked after the walk outlives its parent,
 * holds the output open and hangs the stream. So each member is SIGSTOPped the moment it is found (the
 * marked ones first), and passes over /proc add the children of members (by PPid, which also catches a
 * child that dropped the mark from its environment) until one adds no one. A stopped process cannot fork,
 * and a fork racing the signal either finishes with its child already listed or is undone by the kernel,
 * so a pass begun after every member was stopped sees all their children.
 */
export const killTreeScript = `
tree=" "
for f in $(grep -l "$1" /proc/[0-9]*/environ 2>/dev/null); do
  p=\${f#/proc/}; p=\${p%/environ}
  [ "$p" = "$$" ] && continue
  kill -STOP "$p" 2>/dev/null && tree="$tree$p "
done
[ "$tree" = " " ] && exit 0
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
echo killed
exit 0
`
