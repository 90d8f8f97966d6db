import assert from "node:assert/strict"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { detectBuildTarget } from "../../../src/pipeline/validate/build_target.ts"
import { it } from "../../support/effect_test.ts"
import { makeTempDir } from "../../support/temp_home.ts"

const repoWith = (files: Record<string, string>) =>
  Effect.map(makeTempDir(), (dir) => {
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
      fs.writeFileSync(path.join(dir, name), content)
    }
    return dir
  })

it.effect("the repository's own Dockerfile wins over a compose file", () =>
  Effect.gen(function* () {
    const dir = yield* repoWith({ Dockerfile: "FROM x", "compose.yaml": "services: {}" })
    const target = yield* detectBuildTarget(dir, "web")
    assert.deepEqual(target, {
      _tag: "Dockerfile",
      context: dir,
      dockerfile: "Dockerfile",
      args: {},
      source: "Dockerfile",
    })
  }))

it.effect(
  "a compose service named like the repository is chosen, with its context, dockerfile and args",
  () =>
    Effect.gen(function* () {
      const dir = yield* repoWith({
        "docker-compose.yml": `
services:
  db:
    image: postgres
  worker:
    build: ./worker
  web:
    build:
      context: ./app
      dockerfile: Dockerfile.dev
      args:
        NODE_ENV: test
        RETRIES: 3
`,
      })
      const target = yield* detectBuildTarget(dir, "web")
      assert.deepEqual(target, {
        _tag: "Dockerfile",
        context: path.join(dir, "app"),
        dockerfile: "Dockerfile.dev",
        args: { NODE_ENV: "test", RETRIES: "3" },
        source: "docker-compose.yml service web",
      })
    }),
)

it.effect(
  "without a matching name the first service with a build is used, a bare string being its context",
  () =>
    Effect.gen(function* () {
      const dir = yield* repoWith({
        "compose.yaml": "services:\n  db:\n    image: x\n  api:\n    build: ./api\n    \n",
      })
      const target = yield* detectBuildTarget(dir, "other")
      assert.equal(target._tag, "Dockerfile")
      assert.ok(target._tag === "Dockerfile" && target.context === path.join(dir, "api"))
    }),
)

it.effect("args given as KEY=value lines are read too", () =>
  Effect.gen(function* () {
    const dir = yield* repoWith({
      "compose.yml": "services:\n  app:\n    build:\n      context: .\n      args:\n        - A=1\n        - B\n",
    })
    const target = yield* detectBuildTarget(dir, "x")
    assert.ok(target._tag === "Dockerfile")
    assert.deepEqual(target.args, { A: "1" })
  }))

it.effect("with neither a Dockerfile nor a buildable service the worker image is used", () =>
  Effect.gen(function* () {
    assert.equal((yield* detectBuildTarget(yield* repoWith({ "a.txt": "" }), "x"))._tag, "WorkerImage")
    const imageOnly = yield* repoWith({ "compose.yaml": "services:\n  db:\n    image: postgres\n" })
    assert.equal((yield* detectBuildTarget(imageOnly, "x"))._tag, "WorkerImage")
  }))

it.effect(
  "a compose file that is not YAML, or builds outside the repository, is a clear error",
  () =>
    Effect.gen(function* () {
      const broken = yield* Effect.flip(detectBuildTarget(yield* repoWith({ "compose.yaml": "services: [\n" }), "x"))
      assert.match(broken.message, /cannot read the build from compose\.yaml/)
      const escape = yield* repoWith({ "compose.yaml": "services:\n  app:\n    build: ../../etc\n" })
      const outside = yield* Effect.flip(detectBuildTarget(escape, "x"))
      assert.match(outside.message, /builds outside the repository/)
    }),
)
