import assert from "node:assert/strict"
import { endOfArchive, entryHeader, fileEntry, padding } from "../../../src/services/docker/tar.ts"
import { reownTar, type SentEntry } from "../../../src/services/docker/tar_owner.ts"

const longPath = `workspace/${"deep/".repeat(40)}file.txt`
const big = new Uint8Array(700 * 1024).map((_, i) => i % 251)

/** A tar as `git archive` writes one: root-owned, with a global header, a long path and a symlink. */
const rootOwned = (): ReadableStream<Uint8Array> => {
  const global = new TextEncoder().encode("52 comment=0123456789012345678901234567890123456789\n")
  const chunks = [
    ...entryHeader({ path: "pax_global_header", type: "file", size: global.length }).map((block) => {
      block[156] = "g".charCodeAt(0)
      return block
    }),
    global,
    padding(global.length),
    ...entryHeader({ path: "workspace", type: "directory", mode: 0o755 }),
    ...fileEntry("workspace/tool.sh", new TextEncoder().encode("echo hi\n"), 0o755),
    ...entryHeader({ path: "workspace/big.bin", type: "file", size: big.length, mode: 0o644 }),
    big,
    padding(big.length),
    ...entryHeader({ path: "workspace/link", type: "symlink", linkTarget: "tool.sh" }),
    ...fileEntry(longPath, new TextEncoder().encode("far down\n")),
    endOfArchive(),
  ]
  // In small, uneven pieces, as a pipe hands them over.
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  chunks.reduce((at, c) => (all.set(c, at), at + c.length), 0)
  const pieces: Array<Uint8Array> = []
  for (let at = 0; at < all.length; at += 3001) pieces.push(all.slice(at, at + 3001))
  return ReadableStream.from(pieces)
}

Deno.test("every entry of a root-owned tar comes out owned by the given user, readable by tar, with what it holds reported", async () => {
  const sent: Array<SentEntry> = []
  const chunks = await Array.fromAsync(reownTar(rootOwned(), { uid: 1234, gid: 5678 }, (e) => sent.push(e)))
  const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  chunks.reduce((at, c) => (body.set(c, at), at + c.length), 0)
  assert.ok(body.subarray(body.length - 512).some((byte) => byte !== 0), "the end of the archive is left out")

  const dir = await Deno.makeTempDir({ prefix: "devvy-reown-" })
  try {
    const file = `${dir}/out.tar`
    await Deno.writeFile(file, new Uint8Array([...body, ...endOfArchive()]))
    // GNU tar checks every header's checksum and prints the numeric owner.
    const listed = new Deno.Command("tar", {
      args: ["-tvf", file, "--numeric-owner"],
      stdout: "piped",
      stderr: "piped",
    })
      .outputSync()
    assert.ok(listed.success, new TextDecoder().decode(listed.stderr))
    const lines = new TextDecoder().decode(listed.stdout).trim().split("\n")
    assert.equal(lines.length, 5)
    for (const line of lines) assert.match(line, / 1234\/5678 /)
    await Deno.mkdir(`${dir}/x`)
    assert.ok(new Deno.Command("tar", { args: ["-xf", file, "-C", `${dir}/x`] }).outputSync().success)
    assert.deepEqual(await Deno.readFile(`${dir}/x/workspace/big.bin`), big)
    assert.equal(await Deno.readTextFile(`${dir}/x/${longPath}`), "far down\n")
  } finally {
    await Deno.remove(dir, { recursive: true })
  }

  assert.deepEqual(sent, [
    { path: "workspace", type: "directory", mode: 0o755, size: 0, linkTarget: "" },
    { path: "workspace/tool.sh", type: "file", mode: 0o755, size: 8, linkTarget: "" },
    { path: "workspace/big.bin", type: "file", mode: 0o644, size: big.length, linkTarget: "" },
    { path: "workspace/link", type: "symlink", mode: 0o777, size: 0, linkTarget: "tool.sh" },
    { path: longPath, type: "file", mode: 0o644, size: 9, linkTarget: "" },
  ])
})

Deno.test("a tar cut short in the middle of an entry is an error, not a shorter archive", async () => {
  const whole = await Array.fromAsync(rootOwned())
  const cut = ReadableStream.from(whole.slice(0, 10))
  await assert.rejects(() => Array.fromAsync(reownTar(cut, { uid: 1, gid: 1 }, () => undefined)), /middle of an entry/)
})

Deno.test("the source is read to its end, padding after the end of the archive included, so its writer is never cut off", async () => {
  const pieces = await Array.fromAsync(rootOwned())
  // git archive pads its output to a 10 KiB record: zero blocks after the two that end the archive.
  const padded = [...pieces, new Uint8Array(5120), new Uint8Array(5120)]
  let read = 0
  let cut = false
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (read === padded.length) controller.close()
      else controller.enqueue(padded[read++])
    },
    cancel() {
      cut = true
    },
  }, { highWaterMark: 0 })
  await Array.fromAsync(reownTar(source, { uid: 1, gid: 1 }, () => undefined))
  assert.equal(read, padded.length)
  assert.equal(cut, false, "the source was cut off")
})
