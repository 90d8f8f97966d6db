import assert from "node:assert/strict"
import { Effect, Layer } from "effect"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import * as DockerEngineLive from "../../../src/services/docker/engine.ts"
import { it } from "../../support/effect_test.ts"
import { ensureBusyboxImage } from "../../support/images/busybox.ts"
import { onEachEngine } from "./engine_support.ts"

const label = () => ({ "devvy.test": crypto.randomUUID().slice(0, 8) })

onEachEngine(
  "the engine answers a ping and speaks API 1.41 or later",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const info = yield* docker.ping()
      const [major, minor] = info.apiVersion.split(".").map(Number)
      assert.ok(major > 1 || minor >= 41, `negotiated ${info.apiVersion}`)
      assert.match(info.version, /^\d+\.\d+/)
    }),
)

onEachEngine(
  "a container is created with its settings, started, inspected and removed when its scope closes",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const image = yield* ensureBusyboxImage
      const labels = label()
      const id = yield* Effect.scoped(Effect.gen(function* () {
        const info = yield* docker.runContainer({
          image,
          cmd: ["sleep", "600"],
          labels,
          env: { GREETING: "hello there" },
          workingDir: "/tmp",
          user: "1000:1000",
          memoryBytes: 64 * 1024 * 1024,
          cpus: 0.5,
          pidsLimit: 64,
          network: "none",
        })
        assert.equal(info.running, true)
        assert.equal(info.status, "running")
        assert.deepEqual(info.labels, labels)
        const seen: Array<string> = []
        const { exitCode } = yield* docker.exec(info.id, {
          cmd: ["sh", "-c", 'echo "$GREETING"; pwd; id -u; id -g'],
          onLine: (_stream, line) => Effect.sync(() => seen.push(line)),
        })
        assert.equal(exitCode, 0)
        assert.deepEqual(seen, ["hello there", "/tmp", "1000", "1000"])
        return info.id
      }))
      const after = yield* docker.inspectContainer(id).pipe(Effect.flip)
      assert.equal(after._tag, "ContainerNotFound")
    }),
)

onEachEngine(
  "containers are found again by their label, running or stopped, and not by another label",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const image = yield* ensureBusyboxImage
      const labels = label()
      const first = yield* docker.runContainer({ image, cmd: ["sleep", "600"], labels })
      const second = yield* docker.runContainer({ image, cmd: ["sleep", "600"], labels })
      yield* docker.stopContainer(second.id, { timeout: "0 seconds" })
      const found = yield* docker.listContainers(labels)
      assert.deepEqual(found.map((c) => c.id).sort(), [first.id, second.id].sort())
      const stopped = found.find((c) => c.id === second.id)
      assert.equal(stopped?.running, false)
      assert.equal(stopped?.status, "exited")
      assert.deepEqual(yield* docker.listContainers({ "devvy.test": "no-such-label" }), [])
      // Re-attaching: the found container takes an exec like the one we started.
      const { exitCode } = yield* docker.exec(found.find((c) => c.running)?.id ?? "", { cmd: ["true"] })
      assert.equal(exitCode, 0)
    }),
)

onEachEngine(
  "a missing image, a missing container and a name in use are told apart",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const image = yield* ensureBusyboxImage
      const missingImage = yield* docker.createContainer({ image: "devvy-test/nope:404" }).pipe(Effect.flip)
      assert.equal(missingImage._tag, "ImageNotFound")
      assert.match(missingImage.message, /devvy-test\/nope:404/)
      const missing = yield* docker.inspectContainer("devvy-no-such-container").pipe(Effect.flip)
      assert.equal(missing._tag, "ContainerNotFound")
      const execMissing = yield* docker.exec("devvy-no-such-container", { cmd: ["true"] }).pipe(Effect.flip)
      assert.equal(execMissing._tag, "ContainerNotFound")
      const name = `devvy-test-${crypto.randomUUID().slice(0, 8)}`
      const first = yield* Effect.acquireRelease(
        docker.createContainer({ image, name, cmd: ["true"] }),
        (id) => Effect.ignore(docker.removeContainer(id)),
      )
      assert.ok(first.length > 0)
      const clash = yield* docker.createContainer({ image, name, cmd: ["true"] }).pipe(Effect.flip)
      assert.equal(clash._tag, "DockerConflict")
      const notRunning = yield* docker.exec(first, { cmd: ["true"] }).pipe(Effect.flip)
      assert.equal(notRunning._tag, "DockerConflict")
      assert.equal(yield* docker.imageExists("devvy-test/nope:404"), false)
    }),
)

it.live("an engine that is not running is reported with how to start one", () =>
  Effect.gen(function* () {
    const docker = yield* DockerEngine
    const error = yield* docker.ping().pipe(Effect.flip)
    assert.equal(error._tag, "EngineUnreachable")
    assert.match(error.message, /no Docker engine answers at unix:\/\/\/tmp\/devvy-no-engine-here\.sock/)
    assert.match(error.message, /socket does not exist/)
    assert.match(error.message, /start Docker/)
  }), Layer.fresh(DockerEngineLive.layerAt("unix:///tmp/devvy-no-engine-here.sock")))

onEachEngine(
  "a named volume is found by its label, keeps what one container wrote for the next, and is removed once unused",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const image = yield* ensureBusyboxImage
      const labels = label()
      const name = `devvy-test-${labels["devvy.test"]}`
      yield* Effect.addFinalizer(() => docker.removeVolume(name).pipe(Effect.ignore))
      yield* docker.createVolume(name, labels)
      yield* docker.createVolume(name, labels)
      assert.deepEqual(yield* docker.listVolumes(labels), [name])
      const volumes = [{ name, target: "/data" }]
      const seen: Array<string> = []
      yield* Effect.scoped(Effect.gen(function* () {
        const first = yield* docker.runContainer({ image, cmd: ["sleep", "600"], labels, volumes })
        assert.deepEqual(first.mounts, [{ type: "volume", destination: "/data" }])
        yield* docker.exec(first.id, { cmd: ["sh", "-c", "echo kept > /data/file"] })
        // In use, it stays.
        const inUse = yield* docker.removeVolume(name).pipe(Effect.flip)
        assert.equal(inUse._tag, "DockerConflict")
      }))
      yield* Effect.scoped(Effect.gen(function* () {
        const second = yield* docker.runContainer({ image, cmd: ["sleep", "600"], labels, volumes })
        yield* docker.exec(second.id, {
          cmd: ["cat", "/data/file"],
          onLine: (_stream, line) => Effect.sync(() => seen.push(line)),
        })
      }))
      assert.deepEqual(seen, ["kept"])
      yield* docker.removeVolume(name)
      yield* docker.removeVolume(name)
      assert.deepEqual(yield* docker.listVolumes(labels), [])
    }),
)
