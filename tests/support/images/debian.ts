/**
 * `debian:bookworm-slim` made locally: no registry is reachable, so debootstrap a minbase root and
 * import its tar through the Engine API. Skipped when the engine already has the image (≈ 20 s otherwise).
 */
import { Effect } from "effect"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"

export const DEBIAN_IMAGE = "debian:bookworm-slim"

const run = (command: string, args: Array<string>) =>
  Effect.promise(async () => {
    const output = await new Deno.Command(command, { args, stdout: "null", stderr: "piped" }).output()
    if (!output.success) {
      throw new Error(`${command} ${args.join(" ")} failed: ${new TextDecoder().decode(output.stderr).slice(-2000)}`)
    }
  })

export const ensureDebianBase = Effect.gen(function* () {
  const docker = yield* DockerEngine
  if (yield* docker.imageExists(DEBIAN_IMAGE)) return DEBIAN_IMAGE
  const root = yield* Effect.acquireRelease(
    Effect.promise(() => Deno.makeTempDir({ prefix: "devvy-debootstrap-" })),
    (dir) => Effect.promise(() => Deno.remove(dir, { recursive: true }).catch(() => undefined)),
  )
  yield* run("debootstrap", ["--variant=minbase", "bookworm", root, "http://deb.debian.org/debian"])
  const tar = new Deno.Command("tar", { args: ["-C", root, "-c", "."], stdout: "piped" }).spawn()
  yield* docker.importImage({ repo: "debian", tag: "bookworm-slim", tar: tar.stdout })
  yield* Effect.promise(() => tar.status)
  return DEBIAN_IMAGE
}).pipe(Effect.scoped)
