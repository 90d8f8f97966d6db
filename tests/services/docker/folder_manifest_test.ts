import assert from "node:assert/strict"
import * as fs from "node:fs"
import * as path from "node:path"
import { manifestChanges, manifestOf } from "../../../src/services/docker/folder_manifest.ts"

const inTempDir = (fn: (dir: string) => void) => async () => {
  const dir = await Deno.makeTempDir({ prefix: "devvy-manifest-" })
  try {
    fn(dir)
  } finally {
    await Deno.remove(dir, { recursive: true })
  }
}

Deno.test(
  "two looks at a folder tell what was written, chmod-ed, replaced, linked and deleted in between, and nothing else",
  inTempDir((dir) => {
    const file = (name: string, content = "x\n") => {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
      fs.writeFileSync(path.join(dir, name), content)
    }
    file("same.txt")
    file("edit.txt")
    file("tool.sh")
    file("swap.txt", "same size\n")
    file("old/a.txt")
    file("old/deeper/b.txt")
    file("gone.txt")
    const before = manifestOf(dir)
    fs.writeFileSync(path.join(dir, "edit.txt"), "changed\n")
    fs.chmodSync(path.join(dir, "tool.sh"), 0o755)
    // Replaced by a rename with content of the same size: another inode.
    fs.writeFileSync(path.join(dir, "swap.tmp"), "SAME SIZE\n")
    fs.renameSync(path.join(dir, "swap.tmp"), path.join(dir, "swap.txt"))
    fs.rmSync(path.join(dir, "old"), { recursive: true })
    fs.rmSync(path.join(dir, "gone.txt"))
    fs.symlinkSync("same.txt", path.join(dir, "link"))
    file("new/c.txt")
    const { changed, deleted } = manifestChanges(before, manifestOf(dir))
    assert.deepEqual(changed.sort(), ["edit.txt", "link", "new", "new/c.txt", "swap.txt", "tool.sh"])
    // A deleted folder is named once, not with everything it held.
    assert.deepEqual(deleted, ["gone.txt", "old"])
  }),
)
