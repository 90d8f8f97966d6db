import assert from "node:assert/strict"
import { Effect, Option } from "effect"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import { ensureWorkerImage, workerDockerfile } from "../../../src/services/docker/worker_image.ts"
import { it } from "../../support/effect_test.ts"
import { ensureDebianBase } from "../../support/images/debian.ts"
import { dockerLayer, needsEngine } from "./engine_support.ts"

Deno.test("the embedded worker Dockerfile is the repository's, with opencode pinned and ripgrep in it", async () => {
  const onDisk = await Deno.readTextFile(new URL("../../../worker.dockerfile", import.meta.url))
  assert.equal(workerDockerfile, onDisk)
  assert.match(workerDockerfile, /^ARG BASE_IMAGE=node:22-bookworm-slim$/m)
  assert.match(workerDockerfile, /^ARG OPENCODE_VERSION=1\.18\.33$/m)
  assert.match(workerDockerfile, /ripgrep/)
})

const hostCaBundle = ["/etc/ssl/certs/ca-certificates.crt", Deno.env.get("SSL_CERT_FILE")]
  .find((path) => path !== undefined && Deno.statSync(path).isFile)

/**
 * Builds the real worker image on the Debian base (minutes the first time; the engine's layer cache
 * makes later runs take seconds), then checks what opencode needs inside it as an arbitrary uid.
 */
it.live(
  "the worker image builds on a plain Debian base and holds opencode, git, rg and a writable HOME",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const base = yield* ensureDebianBase
      const name = `devvy-test/worker:${crypto.randomUUID().slice(0, 8)}`
      // Its layers stay cached for the next run: only the tag goes.
      yield* Effect.addFinalizer(() => Effect.ignore(docker.removeImage(name, { prune: false })))
      const built = yield* ensureWorkerImage(name, { baseImage: base, caBundle: Option.fromNullable(hostCaBundle) })
      assert.equal(built, true)
      assert.equal(yield* ensureWorkerImage(name), false, "a second call finds the image and builds nothing")
      const container = yield* docker.runContainer({ image: name, user: "4321:4321" })
      const lines: Array<string> = []
      const { exitCode } = yield* docker.exec(container.id, {
        cmd: [
          "sh",
          "-c",
          'opencode --version && git --version && rg --version | sed -n 1p && echo "home=$HOME" && ' +
          'touch "$HOME/probe" && echo writable && echo "ca=$NODE_EXTRA_CA_CERTS"',
        ],
        onLine: (_stream, line) => Effect.sync(() => lines.push(line)),
        timeout: "60 seconds",
      })
      assert.equal(exitCode, 0, lines.join("\n"))
      assert.equal(lines[0], "1.18.33")
      assert.match(lines[1], /^git version /)
      assert.match(lines[2], /^ripgrep /)
      assert.deepEqual(lines.slice(3), ["home=/home/devvy", "writable", "ca=/etc/ssl/certs/ca-certificates.crt"])
    }),
  dockerLayer,
  { ...needsEngine, sanitizeResources: false, sanitizeOps: false },
)
