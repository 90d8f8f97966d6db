import * as fs from "node:fs"
import * as path from "node:path"

/** What a path holds, as the snapshot shows it: `dir <mode>`, `link <target>` or `file <mode> <content>`. */
export const describeEntry = (type: "directory" | "symlink" | "file", mode: number, body: string): string =>
  type === "symlink"
    ? `link ${body}`
    : type === "directory"
    ? `dir ${mode.toString(8)}`
    : `file ${mode.toString(8)} ${body}`

/** Every path under `root` but .git: its type, mode and content or link target. */
export const snapshot = (root: string): Map<string, string> => {
  const seen = new Map<string, string>()
  const visit = (dir: string) => {
    for (const name of fs.readdirSync(path.join(root, dir)).sort()) {
      const rel = dir === "" ? name : `${dir}/${name}`
      if (rel === ".git") continue
      const full = path.join(root, rel)
      const info = fs.lstatSync(full)
      const mode = info.mode & 0o7777
      if (info.isSymbolicLink()) seen.set(rel, describeEntry("symlink", mode, fs.readlinkSync(full)))
      else if (info.isDirectory()) seen.set(rel, describeEntry("directory", mode, ""))
      else seen.set(rel, describeEntry("file", mode, fs.readFileSync(full, "utf8")))
      if (info.isDirectory()) visit(rel)
    }
  }
  visit("")
  return seen
}
