import assert from "node:assert/strict"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import { copyFilesIn, copyFolderIn, copyFolderOut } from "../../../src/services/docker/folder_copy.ts"
import { ensureBusyboxImage } from "../../support/images/busybox.ts"
import { makeTempDir } from "../../support/temp_home.ts"
import { onEachEngine } from "./engine_support.ts"

const owner = { uid: 4321, gid: 4322 }

const run = (container: string, script: string) =>
  Effect.gen(function* () {
    const docker = yield* DockerEngine
    const lines: Array<string> = []
    const { exitCode } = yield* docker.exec(container, {
      cmd: ["sh", "-c", script],
      onLine: (_stream, line) => Effect.sync(() => lines.push(line)),
    })
    assert.equal(exitCode, 0, lines.join("\n"))
    return lines
  })

const sandbox = Effect.gen(function* () {
  const docker = yield* DockerEngine
  const image = yield* ensureBusyboxImage
  const id = yield* Effect.acquireRelease(
    docker.createContainer({ image, cmd: ["sleep", "600"], labels: { "devvy.test": "archive" } }),
    (id) => docker.removeContainer(id).pipe(Effect.ignore),
  )
  return id
})

onEachEngine(
  "a folder copied into a created container arrives whole, owned by the given user, with modes, symlinks and a writable root",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const host = yield* makeTempDir("devvy-archive-")
      fs.mkdirSync(path.join(host, "src", "deep"), { recursive: true })
      fs.writeFileSync(path.join(host, "src", "deep", "a.txt"), "alpha\n")
      fs.writeFileSync(path.join(host, "run.sh"), "#!/bin/sh\necho ran\n", { mode: 0o755 })
      fs.symlinkSync("src/deep/a.txt", path.join(host, "link"))
      const container = yield* sandbox
      yield* copyFolderIn(docker, {
        container,
        hostDir: host,
        containerPath: "/workspace",
        owner,
      })
      yield* copyFilesIn(docker, container, [
        { container: "/workspace/secrets/token.json", content: new TextEncoder().encode("{}"), mode: 0o600 },
      ], owner)
      yield* docker.startContainer(container)
      const listing = yield* run(
        container,
        "cd /workspace && stat -c '%n %u:%g %a' . src/deep/a.txt run.sh secrets/token.json && readlink link && " +
          "cat src/deep/a.txt && ./run.sh",
      )
      assert.deepEqual(listing, [
        ". 4321:4322 700",
        "src/deep/a.txt 4321:4322 644",
        "run.sh 4321:4322 755",
        "secrets/token.json 4321:4322 600",
        "src/deep/a.txt",
        "alpha",
        "ran",
      ])
    }),
)

onEachEngine(
  "what a process changes in the container comes back: new, changed and deleted files, an executable bit, a symlink, and .git left alone",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const host = yield* makeTempDir("devvy-archive-")
      fs.mkdirSync(path.join(host, ".git"), { recursive: true })
      fs.writeFileSync(path.join(host, ".git", "HEAD"), "ref: refs/heads/main\n")
      fs.mkdirSync(path.join(host, "old"), { recursive: true })
      fs.writeFileSync(path.join(host, "old", "gone.txt"), "bye\n")
      fs.writeFileSync(path.join(host, "keep.txt"), "same\n")
      fs.writeFileSync(path.join(host, "edit.txt"), "before\n")
      fs.writeFileSync(path.join(host, "tool.sh"), "echo tool\n", { mode: 0o644 })
      const keptMtime = fs.statSync(path.join(host, "keep.txt")).mtimeMs
      const container = yield* sandbox
      yield* copyFolderIn(docker, { container, hostDir: host, containerPath: "/workspace", owner })
      yield* docker.startContainer(container)
      yield* run(
        container,
        "cd /workspace && echo after > edit.txt && rm -r old && chmod +x tool.sh && mkdir -p new/dir && " +
          "echo fresh > new/dir/f.txt && ln -s new/dir/f.txt shortcut && echo hacked > .git/HEAD && " +
          "mkdir .git/hooks && echo evil > .git/hooks/pre-commit",
      )
      const result = yield* copyFolderOut(docker, {
        container,
        containerPath: "/workspace",
        hostDir: host,
        keep: [".git"],
      })
      assert.equal(fs.readFileSync(path.join(host, "edit.txt"), "utf8"), "after\n")
      assert.equal(fs.existsSync(path.join(host, "old")), false)
      assert.equal(fs.statSync(path.join(host, "tool.sh")).mode & 0o777, 0o755)
      assert.equal(fs.readFileSync(path.join(host, "new", "dir", "f.txt"), "utf8"), "fresh\n")
      assert.equal(fs.readlinkSync(path.join(host, "shortcut")), "new/dir/f.txt")
      assert.equal(fs.readFileSync(path.join(host, ".git", "HEAD"), "utf8"), "ref: refs/heads/main\n")
      assert.equal(fs.existsSync(path.join(host, ".git", "hooks")), false)
      // The file nobody touched was not rewritten.
      assert.equal(fs.statSync(path.join(host, "keep.txt")).mtimeMs, keptMtime)
      assert.equal(result.deleted, 1)
    }),
)

onEachEngine(
  "copying out of a path the container lacks fails with the engine's own words, naming the path",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const host = yield* makeTempDir("devvy-archive-")
      const container = yield* sandbox
      const error = yield* Effect.flip(copyFolderOut(docker, { container, containerPath: "/no/such", hostDir: host }))
      assert.equal(error._tag, "DockerApiError")
      assert.match(error.message, /no\/such/)
    }),
)
