import assert from "node:assert/strict"
import * as fs from "node:fs"
import * as path from "node:path"
import { applyArchive } from "../../../src/services/docker/apply_archive.ts"
import { endOfArchive, type EntryHeader, entryHeader, padding } from "../../../src/services/docker/tar.ts"
import { readTar } from "../../../src/services/docker/tar_read.ts"

const inTempDir = (fn: (dir: string) => Promise<void>) => async () => {
  const dir = await Deno.makeTempDir({ prefix: "devvy-apply-" })
  try {
    await fn(dir)
  } finally {
    await Deno.remove(dir, { recursive: true })
  }
}

type Entry = Omit<EntryHeader, "size"> & { readonly content?: string }

/** A tar of `workspace/…` entries, as the engine answers for /workspace, split in awkward chunks. */
const archive = (entries: ReadonlyArray<Entry>): ReadableStream<Uint8Array> => {
  const chunks: Array<Uint8Array> = [...entryHeader({ path: "workspace", type: "directory" })]
  for (const entry of entries) {
    const content = new TextEncoder().encode(entry.content ?? "")
    const full = { ...entry, path: `workspace/${entry.path}`, size: content.length }
    chunks.push(...entryHeader(full))
    if (entry.type === "file") chunks.push(content, padding(content.length))
  }
  chunks.push(endOfArchive())
  const whole = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let offset = 0
  for (const chunk of chunks) {
    whole.set(chunk, offset)
    offset += chunk.length
  }
  // 700-byte pieces: headers and contents straddle chunk boundaries, as they do off the network.
  const pieces: Array<Uint8Array> = []
  for (let i = 0; i < whole.length; i += 700) pieces.push(whole.slice(i, i + 700))
  return ReadableStream.from(pieces)
}

const apply = (dir: string, entries: ReadonlyArray<Entry>) =>
  applyArchive(dir, readTar(archive(entries)), { strip: 1, keep: [".git"] })

const write = (dir: string, file: string, content: string, mode = 0o644) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
  fs.writeFileSync(path.join(dir, file), content, { mode })
  fs.chmodSync(path.join(dir, file), mode)
}

const T = 1_700_000_000

Deno.test(
  "new, changed and deleted files, an executable bit and a symlink arrive, and .git is left as it was",
  inTempDir(async (dir) => {
    write(dir, ".git/HEAD", "ref: refs/heads/main\n")
    write(dir, "edit.txt", "before\n")
    write(dir, "tool.sh", "echo\n")
    write(dir, "old/gone.txt", "bye\n")
    write(dir, "gone.txt", "bye\n")
    const result = await apply(dir, [
      { path: "edit.txt", type: "file", content: "after, longer\n", mtime: T },
      { path: "tool.sh", type: "file", content: "echo\n", mode: 0o755, mtime: T },
      { path: "new", type: "directory", mtime: T },
      { path: "new/file.txt", type: "file", content: "fresh\n", mtime: T },
      { path: "link", type: "symlink", linkTarget: "new/file.txt", mtime: T },
    ])
    assert.equal(fs.readFileSync(path.join(dir, "edit.txt"), "utf8"), "after, longer\n")
    assert.equal(fs.statSync(path.join(dir, "tool.sh")).mode & 0o777, 0o755)
    assert.equal(fs.readFileSync(path.join(dir, "new/file.txt"), "utf8"), "fresh\n")
    assert.equal(fs.readlinkSync(path.join(dir, "link")), "new/file.txt")
    assert.equal(fs.existsSync(path.join(dir, "old")), false)
    assert.equal(fs.existsSync(path.join(dir, "gone.txt")), false)
    assert.equal(fs.readFileSync(path.join(dir, ".git/HEAD"), "utf8"), "ref: refs/heads/main\n")
    assert.equal(result.deleted, 2)
  }),
)

Deno.test(
  "nothing under .git is written from the archive, even what the agent put there",
  inTempDir(async (dir) => {
    write(dir, ".git/config", "[core]\n")
    await apply(dir, [
      { path: ".git", type: "directory" },
      { path: ".git/config", type: "file", content: "[core]\n\thooksPath = /tmp/evil\n" },
      { path: ".git/hooks", type: "directory" },
      { path: ".git/hooks/pre-commit", type: "file", content: "evil", mode: 0o755 },
    ])
    assert.equal(fs.readFileSync(path.join(dir, ".git/config"), "utf8"), "[core]\n")
    assert.equal(fs.existsSync(path.join(dir, ".git/hooks")), false)
  }),
)

Deno.test(
  "an unchanged file is not rewritten: the same size and content, whatever its mtime",
  inTempDir(async (dir) => {
    write(dir, "b.txt", "same\n")
    const inodeB = fs.statSync(path.join(dir, "b.txt")).ino
    const mtimeB = fs.statSync(path.join(dir, "b.txt")).mtimeMs
    const result = await apply(dir, [{ path: "b.txt", type: "file", content: "same\n", mtime: T + 5 }])
    assert.equal(fs.statSync(path.join(dir, "b.txt")).ino, inodeB)
    assert.equal(fs.statSync(path.join(dir, "b.txt")).mtimeMs, mtimeB)
    assert.deepEqual(result, { written: 0, deleted: 0, unchanged: 1 })
  }),
)

Deno.test(
  "a changed file of the same size is rewritten and takes the archive's mtime",
  inTempDir(async (dir) => {
    write(dir, "a.txt", "abc\n")
    const result = await apply(dir, [{ path: "a.txt", type: "file", content: "xyz\n", mtime: T }])
    assert.equal(fs.readFileSync(path.join(dir, "a.txt"), "utf8"), "xyz\n")
    assert.equal(fs.statSync(path.join(dir, "a.txt")).mtimeMs, T * 1000)
    assert.equal(result.written, 1)
  }),
)

Deno.test(
  "a symlink on the host is replaced, never written through, so nothing outside the folder changes",
  inTempDir(async (dir) => {
    const root = path.join(dir, "ws")
    const outside = path.join(dir, "outside")
    write(outside, "secret.txt", "untouched\n")
    fs.mkdirSync(root)
    fs.symlinkSync(outside, path.join(root, "sub"))
    fs.symlinkSync(path.join(outside, "secret.txt"), path.join(root, "file.txt"))
    await applyArchive(
      root,
      readTar(archive([
        { path: "sub/secret.txt", type: "file", content: "overwritten\n" },
        { path: "file.txt", type: "file", content: "overwritten\n" },
      ])),
      { strip: 1 },
    )
    assert.equal(fs.readFileSync(path.join(outside, "secret.txt"), "utf8"), "untouched\n")
    assert.equal(fs.lstatSync(path.join(root, "sub")).isDirectory(), true)
    assert.equal(fs.lstatSync(path.join(root, "file.txt")).isFile(), true)
    assert.equal(fs.readFileSync(path.join(root, "sub/secret.txt"), "utf8"), "overwritten\n")
  }),
)

Deno.test(
  "a file that became a folder and a folder that became a file land as the archive says",
  inTempDir(async (dir) => {
    write(dir, "was-file", "x")
    write(dir, "was-dir/inner.txt", "y")
    await apply(dir, [
      { path: "was-file", type: "directory" },
      { path: "was-file/child.txt", type: "file", content: "child\n" },
      { path: "was-dir", type: "file", content: "now a file\n" },
    ])
    assert.equal(fs.readFileSync(path.join(dir, "was-file/child.txt"), "utf8"), "child\n")
    assert.equal(fs.readFileSync(path.join(dir, "was-dir"), "utf8"), "now a file\n")
  }),
)

Deno.test(
  "a path that climbs out of the folder is refused",
  inTempDir(async (dir) => {
    await assert.rejects(
      apply(dir, [{ path: "../escape.txt", type: "file", content: "x" }]),
      /outside its folder/,
    )
    assert.equal(fs.existsSync(path.join(path.dirname(dir), "escape.txt")), false)
  }),
)

Deno.test(
  "the reader reads what GNU tar writes: long names, a hard link, modes and mtimes",
  inTempDir(async (dir) => {
    const src = path.join(dir, "src")
    const long = `${"deep/".repeat(40)}file.txt`
    write(src, long, "long\n")
    write(src, "run.sh", "#!/bin/sh\n", 0o755)
    fs.linkSync(path.join(src, "run.sh"), path.join(src, "again.sh"))
    fs.symlinkSync("run.sh", path.join(src, "alias"))
    fs.utimesSync(path.join(src, "run.sh"), T, T)
    for (const format of ["gnu", "posix"]) {
      const tarFile = path.join(dir, `${format}.tar`)
      const out = new Deno.Command("tar", { args: [`--format=${format}`, "-C", dir, "-cf", tarFile, "src"] })
        .outputSync()
      assert.equal(out.success, true)
      const entries = []
      for await (const entry of readTar((await Deno.open(tarFile)).readable)) entries.push(entry)
      const byPath = new Map(entries.map((e) => [e.path, e]))
      assert.equal(new TextDecoder().decode(byPath.get(`src/${long}`)?.content), "long\n", format)
      assert.equal(byPath.get("src/run.sh")?.mode, 0o755)
      assert.equal(byPath.get("src/run.sh")?.mtime, T)
      assert.equal(byPath.get("src/alias")?.type, "symlink")
      assert.equal(byPath.get("src/alias")?.linkTarget, "run.sh")
      const linked = [byPath.get("src/run.sh"), byPath.get("src/again.sh")].map((e) => e?.type).sort()
      assert.deepEqual(linked, ["file", "hardlink"])

      const target = path.join(dir, `out-${format}`)
      fs.mkdirSync(target)
      await applyArchive(target, readTar((await Deno.open(tarFile)).readable), { strip: 1 })
      assert.equal(fs.readFileSync(path.join(target, "again.sh"), "utf8"), "#!/bin/sh\n")
      assert.equal(fs.readFileSync(path.join(target, long), "utf8"), "long\n")
    }
  }),
)

Deno.test(
  "a path fetched on its own lands in its folder, never through a symlink, and nothing else is deleted",
  inTempDir(async (dir) => {
    const root = path.join(dir, "ws")
    const outside = path.join(dir, "outside")
    write(root, "src/lib/other.ts", "stays\n")
    write(root, "top.txt", "stays\n")
    write(outside, "x.txt", "untouched\n")
    fs.symlinkSync(outside, path.join(root, "linked"))
    // As the engine names it: by its base name, for /workspace/src/lib/new.ts and /workspace/linked/x.txt.
    const one = (under: string, name: string) =>
      applyArchive(
        root,
        readTar(archive([{ path: name, type: "file", content: "fresh\n", mode: 0o755, mtime: T }])),
        { strip: 1, under, deleteMissing: false },
      )
    const result = await one("src/lib", "new.ts")
    await one("linked", "x.txt")
    assert.equal(fs.readFileSync(path.join(root, "src/lib/new.ts"), "utf8"), "fresh\n")
    assert.equal(fs.statSync(path.join(root, "src/lib/new.ts")).mode & 0o777, 0o755)
    assert.equal(fs.existsSync(path.join(root, "new.ts")), false)
    assert.equal(fs.readFileSync(path.join(root, "src/lib/other.ts"), "utf8"), "stays\n")
    assert.equal(fs.readFileSync(path.join(root, "top.txt"), "utf8"), "stays\n")
    assert.deepEqual(result, { written: 1, deleted: 0, unchanged: 0 })
    assert.equal(fs.lstatSync(path.join(root, "linked")).isDirectory(), true)
    assert.equal(fs.readFileSync(path.join(outside, "x.txt"), "utf8"), "untouched\n")
  }),
)

Deno.test(
  "a file is compared by content even when its size and mtime second are the same: it may have been rewritten within that second",
  inTempDir(async (dir) => {
    write(dir, "a.txt", "same\n")
    fs.utimesSync(path.join(dir, "a.txt"), T, T)
    const result = await apply(dir, [{ path: "a.txt", type: "file", content: "SAME\n", mtime: T }])
    assert.equal(fs.readFileSync(path.join(dir, "a.txt"), "utf8"), "SAME\n")
    assert.equal(result.written, 1)
  }),
)
