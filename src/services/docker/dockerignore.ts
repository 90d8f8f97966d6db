/**
 * `.dockerignore` as docker/cli applies it (the daemon does not): patterns in Go's filepath.Match
 * syntax plus `**`, matched against the path and each of its parent directories, last match wins,
 * `!` re-includes.
 */

interface Rule {
  readonly regex: RegExp
  readonly exclusion: boolean
}

export interface IgnoreMatcher {
  readonly ignores: (path: string) => boolean
  /** Whether a matched directory may still hold re-included files, so it must be walked. */
  readonly hasExceptions: boolean
}

const cleanPath = (raw: string): string => {
  const parts: Array<string> = []
  for (const part of raw.replaceAll("\\", "/").split("/")) {
    if (part === "" || part === ".") continue
    if (part === "..") parts.pop()
    else parts.push(part)
  }
  return parts.join("/")
}

const toRegex = (pattern: string): RegExp => {
  let out = "^"
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === "*") {
      if (pattern[i + 1] === "*") {
        i++
        if (pattern[i + 1] === "/") {
          i++
          out += "(?:.*/)?"
        } else out += ".*"
      } else out += "[^/]*"
    } else if (c === "?") out += "[^/]"
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 1)
      if (close === -1) out += "\\["
      else {
        out += `[${pattern.slice(i + 1, close).replace(/^\^/, "^").replace(/^!/, "^").replaceAll("\\", "\\\\")}]`
        i = close
      }
    } else if (c === "\\" && i + 1 < pattern.length) {
      i++
      out += pattern[i].replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")
  }
  return new RegExp(`${out}$`)
}

export const parseDockerignore = (text: string, alwaysInclude: ReadonlyArray<string> = []): IgnoreMatcher => {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "" && !line.startsWith("#"))
  const rules: Array<Rule> = []
  for (const line of [...lines, ...alwaysInclude.map((path) => `!${path}`)]) {
    const exclusion = line.startsWith("!")
    const pattern = cleanPath(exclusion ? line.slice(1).trim() : line)
    if (pattern === "") continue
    rules.push({ regex: toRegex(pattern), exclusion })
  }
  const matches = (regex: RegExp, path: string): boolean => {
    if (regex.test(path)) return true
    const parts = path.split("/")
    for (let i = parts.length - 1; i > 0; i--) if (regex.test(parts.slice(0, i).join("/"))) return true
    return false
  }
  return {
    hasExceptions: rules.some((rule) => rule.exclusion),
    ignores: (raw) => {
      const path = cleanPath(raw)
      let ignored = false
      for (const rule of rules) if (matches(rule.regex, path)) ignored = !rule.exclusion
      return ignored
    },
  }
}
