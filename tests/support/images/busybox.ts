/**
 * `devvy-test/busybox:1`: an image FROM scratch holding the host's static busybox with its applets
 * linked into /bin, imported through the Engine API from a tar written in-process (well under a second).
 */
import { Effect } from "effect"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import { endOfArchive, entryHeader, fileEntry } from "../../../src/services/docker/tar.ts"

export const BUSYBOX_IMAGE = "devvy-test/busybox:1"

const BUSYBOX_PATHS = ["/bin/busybox", "/usr/bin/busybox"]

const findBusybox = Effect.gen(function* () {
  for (const path of BUSYBOX_PATHS) {
    const bytes = yield* Effect.promise(() => Deno.readFile(path).catch(() => undefined))
    if (bytes !== undefined) return bytes
  }
  return yield* Effect.dieMessage("no static busybox on this host: install Debian's busybox-static")
})

const applets = (busybox: string) =>
  Effect.promise(async () => {
    const output = await new Deno.Command(busybox, { args: ["--list"], stdout: "piped" }).output()
    return new TextDecoder().decode(output.stdout).split("\n").filter((name) => /^[\w.[-]+$/.test(name))
  })

export const busyboxRootfs = Effect.gen(function* () {
  const binary = yield* findBusybox
  const names = yield* applets(BUSYBOX_PATHS.find((p) => Deno.statSync(p).isFile) ?? "/bin/busybox")
  const chunks: Array<Uint8Array> = [
    ...["bin", "etc", "proc", "sys", "dev", "work"].flatMap((path) => entryHeader({ path, type: "directory" })),
    ...entryHeader({ path: "tmp", type: "directory", mode: 0o1777 }),
    ...fileEntry("bin/busybox", binary, 0o755),
    ...names.filter((name) => name !== "busybox").flatMap((name) =>
      entryHeader({ path: `bin/${name}`, type: "symlink", linkTarget: "busybox" })
    ),
    ...fileEntry("etc/passwd", new TextEncoder().encode("root:x:0:0:root:/root:/bin/sh\n")),
    endOfArchive(),
  ]
  return ReadableStream.from(chunks)
})

/** Imports the image unless the engine already has it. */
export const ensureBusyboxImage = Effect.gen(function* () {
  const docker = yield* DockerEngine
  if (yield* docker.imageExists(BUSYBOX_IMAGE)) return BUSYBOX_IMAGE
  const [repo, tag] = BUSYBOX_IMAGE.split(":")
  yield* docker.importImage({ repo, tag, tar: yield* busyboxRootfs })
  return BUSYBOX_IMAGE
})
