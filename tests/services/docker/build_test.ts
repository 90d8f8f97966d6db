import assert from "node:assert/strict"
import { Effect } from "effect"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import { ensureBusyboxImage } from "../../support/images/busybox.ts"
import { onEachEngine } from "./engine_support.ts"

const tag = () => `devvy-test/build-${crypto.randomUUID().slice(0, 8)}:1`

/** The image is removed when the test ends, whatever happened. */
const scopedTag = Effect.gen(function* () {
  const docker = yield* DockerEngine
  const name = tag()
  yield* Effect.addFinalizer(() => Effect.ignore(docker.removeImage(name)))
  return name
})

const outputOf = (image: string, cmd: Array<string>) =>
  Effect.gen(function* () {
    const docker = yield* DockerEngine
    const container = yield* docker.runContainer({ image, cmd: ["sleep", "600"] })
    const lines: Array<string> = []
    yield* docker.exec(container.id, { cmd, onLine: (_s, line) => Effect.sync(() => lines.push(line)) })
    return lines
  })

onEachEngine(
  "an in-memory Dockerfile with extra files and build args builds, reporting its progress",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const base = yield* ensureBusyboxImage
      const image = yield* scopedTag
      const progress: Array<string> = []
      const id = yield* docker.buildImage({
        tag: image,
        context: {
          dockerfileText: `FROM ${base}\nARG FLAVOUR=plain\nCOPY greeting.txt /greeting.txt\n` +
            `RUN echo "flavour=$FLAVOUR" > /flavour.txt && echo building the $FLAVOUR image\n`,
          files: { "greeting.txt": "hello from the context\n" },
        },
        buildArgs: { FLAVOUR: "spicy" },
        labels: { "devvy.test": "build" },
        onProgress: (line) => Effect.sync(() => progress.push(line)),
      })
      assert.match(id, /^sha256:[0-9a-f]{64}$/)
      assert.ok(progress.some((line) => /^Step 1\/\d+ : FROM /.test(line)), progress.join("\n"))
      assert.ok(progress.includes("building the spicy image"), progress.join("\n"))
      const info = yield* docker.inspectImage(image)
      assert.equal(info.id, id)
      assert.ok(info.repoTags.includes(image))
      assert.equal(info.labels["devvy.test"], "build")
      assert.deepEqual(yield* outputOf(image, ["cat", "/greeting.txt", "/flavour.txt"]), [
        "hello from the context",
        "flavour=spicy",
      ])
    }),
)

onEachEngine(
  "a directory context is sent without what its .dockerignore excludes",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const base = yield* ensureBusyboxImage
      const image = yield* scopedTag
      const dir = yield* Effect.acquireRelease(
        Effect.promise(() => Deno.makeTempDir({ prefix: "devvy-build-" })),
        (dir) => Effect.promise(() => Deno.remove(dir, { recursive: true })),
      )
      yield* Effect.promise(async () => {
        await Deno.mkdir(`${dir}/app/node_modules`, { recursive: true })
        await Deno.writeTextFile(`${dir}/app/main.txt`, "main\n")
        await Deno.writeTextFile(`${dir}/app/node_modules/big.txt`, "should not be sent\n")
        await Deno.writeTextFile(`${dir}/app/.env`, "TOKEN=secret\n")
        await Deno.writeTextFile(`${dir}/.dockerignore`, "**/node_modules\n**/.env\n")
        await Deno.writeTextFile(`${dir}/build.Dockerfile`, `FROM ${base}\nCOPY app /app\n`)
      })
      yield* docker.buildImage({ tag: image, context: { directory: dir, dockerfile: "build.Dockerfile" } })
      assert.deepEqual(yield* outputOf(image, ["find", "/app"]), ["/app", "/app/main.txt"])
    }),
)

onEachEngine(
  "a build that fails at a step reports that step and its output",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const base = yield* ensureBusyboxImage
      const image = yield* scopedTag
      const error = yield* docker.buildImage({
        tag: image,
        context: {
          dockerfileText: `FROM ${base}\nRUN echo fine\nRUN echo compiling && echo "error: it broke" >&2 && exit 3\n` +
            "RUN echo never\n",
        },
      }).pipe(Effect.flip)
      assert.equal(error._tag, "BuildFailed")
      if (error._tag !== "BuildFailed") return
      assert.match(error.step ?? "", /^Step 3\/4 : RUN echo compiling/)
      assert.match(error.output, /compiling/)
      assert.match(error.output, /error: it broke/)
      assert.doesNotMatch(error.output, /fine/)
      assert.match(error.detail, /returned a non-zero code: 3/)
      assert.match(error.message, /building image devvy-test\/build-.* failed at Step 3\/4/)
      assert.equal(yield* docker.imageExists(image), false)
    }),
)

onEachEngine(
  "a base image that is not on the engine fails the build without pulling",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const image = yield* scopedTag
      const error = yield* docker.buildImage({
        tag: image,
        context: { dockerfileText: "FROM devvy-test/absent:404\n" },
      })
        .pipe(Effect.flip)
      assert.equal(error._tag, "BuildFailed")
      assert.match(error.message, /devvy-test\/absent/)
    }),
)

onEachEngine(
  "an image is removed, and removing it again is not an error",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const base = yield* ensureBusyboxImage
      const image = tag()
      yield* docker.buildImage({ tag: image, context: { dockerfileText: `FROM ${base}\nLABEL x=1\n` } })
      assert.equal(yield* docker.imageExists(image), true)
      yield* docker.removeImage(image)
      assert.equal(yield* docker.imageExists(image), false)
      yield* docker.removeImage(image)
    }),
)
