/**
 * Whether a Docker engine answers, decided once per test file. In CI (CI=true) a missing engine is a
 * failure, never a skip; elsewhere the tests are ignored with a visible reason.
 */
import { Effect, Layer } from "effect"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import * as DockerEngineLive from "../../../src/services/docker/engine.ts"

export const DOCKER_HOST = Deno.env.get("DOCKER_HOST") ?? "unix:///var/run/docker.sock"

export const dockerLayer: Layer.Layer<DockerEngine> = DockerEngineLive.layerAt(DOCKER_HOST)

const probe = await Effect.runPromise(
  Effect.gen(function* () {
    const docker = yield* DockerEngine
    return yield* docker.ping()
  }).pipe(Effect.provide(dockerLayer), Effect.either),
)

const inCi = Deno.env.get("CI") === "true"

/** Spread into a Deno.test definition: `ignore` only outside CI and only when no engine answers. */
export const needsEngine: { ignore: boolean } = (() => {
  if (probe._tag === "Right") return { ignore: false }
  if (inCi) return { ignore: false }
  console.log(`skipping Docker integration tests: ${probe.left.message}`)
  return { ignore: true }
})()
