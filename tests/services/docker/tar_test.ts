import assert from "node:assert/strict"
import { parseDockerignore } from "../../../src/services/docker/dockerignore.ts"
import { directoryContext } from "../../../src/services/docker/build_context.ts"
import { endOfArchive, entryHeader, fileEntry } from "../../../src/services/docker/tar.ts"

const inTempDir = (fn: (dir: string) => Promise<void>) => async () => {
  const dir = await Deno.makeTempDir({ prefix: "devvy-tar-" })
  try {
    await fn(dir)
  } finally {
    await Deno.remove(dir, { recursive: true })
  }
}

const listTar = async (chunks: ReadableStream<Uint8Array> | Array<Uint8Array>, dir: string): Promise<string> => {
  const path = `${dir}/out.tar`
  const file = await Deno.open(path, { write: true, create: true, truncate: true })
  const stream = Array.isArray(chunks) ? ReadableStream.from(chunks) : chunks
  await stream.pipeTo(file.writable)
  const out = await new Deno.Command("tar", { args: ["-tvf", path], stdout: "piped", stderr: "piped" }).output()
  assert.equal(out.success, true, new TextDecoder().decode(out.stderr))
  return new TextDecoder().decode(out.stdout)
}

Deno.test(
  "GNU tar reads the archive: files with content and mode, directories, symlinks and long paths",
  inTempDir(async (dir) => {
    const long = `${"deep/".repeat(30)}file.txt`
    const veryLongName = `${"n".repeat(120)}.txt`
    const listing = await listTar([
      ...entryHeader({ path: "bin", type: "directory" }),
      ...fileEntry("bin/tool", new TextEncoder().encode("#!/bin/sh\necho hi\n"), 0o755),
      ...entryHeader({ path: "bin/alias", type: "symlink", linkTarget: "tool" }),
      ...fileEntry(long, new TextEncoder().encode("x")),
      ...fileEntry(veryLongName, new TextEncoder().encode("y")),
      endOfArchive(),
    ], dir)
    assert.match(listing, /^drwxr-xr-x .* bin\/$/m)
    assert.match(listing, /^-rwxr-xr-x .* 18 .* bin\/tool$/m)
    assert.match(listing, /^lrwxrwxrwx .* bin\/alias -> tool$/m)
    assert.ok(listing.includes(long), "the 155-byte prefix field holds a long path")
    assert.ok(listing.includes(veryLongName), "a PAX record holds a name too long for ustar")
  }),
)

Deno.test(".dockerignore patterns: globs, ** across directories, parents, and ! re-inclusion, last match wins", () => {
  const ignore = parseDockerignore(
    ["# comment", "node_modules", "*.log", "**/secret*", "/build/", "!build/keep.txt", "docs/*/draft.md", ""]
      .join("\n"),
  )
  assert.equal(ignore.ignores("node_modules/left-pad/index.js"), true)
  assert.equal(ignore.ignores("src/node_modules"), false)
  assert.equal(ignore.ignores("debug.log"), true)
  assert.equal(ignore.ignores("logs/debug.log"), false)
  assert.equal(ignore.ignores("a/b/secret.key"), true)
  assert.equal(ignore.ignores("secret.key"), true)
  assert.equal(ignore.ignores("build/out.js"), true)
  assert.equal(ignore.ignores("build/keep.txt"), false)
  assert.equal(ignore.ignores("docs/v1/draft.md"), true)
  assert.equal(ignore.ignores("docs/v1/final.md"), false)
  assert.equal(ignore.ignores("src/main.ts"), false)
  assert.equal(ignore.hasExceptions, true)
})

Deno.test(
  "a directory context honours .dockerignore but always keeps the Dockerfile and .dockerignore",
  inTempDir(async (dir) => {
    const ctx = `${dir}/ctx`
    await Deno.mkdir(`${ctx}/node_modules/pkg`, { recursive: true })
    await Deno.mkdir(`${ctx}/src`, { recursive: true })
    await Deno.writeTextFile(`${ctx}/Dockerfile`, "FROM scratch\n")
    await Deno.writeTextFile(`${ctx}/.dockerignore`, "node_modules\n*.secret\nDockerfile\n.dockerignore\n")
    await Deno.writeTextFile(`${ctx}/node_modules/pkg/index.js`, "x")
    await Deno.writeTextFile(`${ctx}/src/app.ts`, "console.log(1)\n")
    await Deno.writeTextFile(`${ctx}/token.secret`, "hunter2")
    await Deno.symlink("src/app.ts", `${ctx}/link.ts`)
    const listing = await listTar(directoryContext(ctx), dir)
    const names = listing.trim().split("\n").map((line) => line.split(/\s+/).slice(5).join(" ")).sort()
    assert.deepEqual(names, [".dockerignore", "Dockerfile", "link.ts -> src/app.ts", "src/", "src/app.ts"])
  }),
)
