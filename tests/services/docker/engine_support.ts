/**
 * The engines the Docker client tests run against: the local one over its Unix socket, and the second
 * engine over tcp:// with TLS (tests/support/second_engine.ts), so everything the client does is proved
 * over both transports. Whether each answers is decided once per test file. In CI (CI=true) a missing
 * engine is a failure, never a skip; elsewhere its tests are ignored with a visible reason.
 */
import { Cause, Effect, type Layer, type Scope } from "effect"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import * as DockerEngineLive from "../../../src/services/docker/engine.ts"
import { it } from "../../support/effect_test.ts"
import { secondEngine, secondEngineLayer } from "../../support/second_engine.ts"

export const DOCKER_HOST = Deno.env.get("DOCKER_HOST") ?? "unix:///var/run/docker.sock"

export const dockerLayer: Layer.Layer<DockerEngine> = DockerEngineLive.layerAt(DOCKER_HOST)

const inCi = Deno.env.get("CI") === "true"

/** `ignore` only outside CI and only when the engine does not answer. */
const needs = async (name: string, layer: Layer.Layer<DockerEngine>): Promise<{ ignore: boolean }> => {
  if (inCi) return { ignore: false }
  const probe = await Effect.runPromiseExit(
    Effect.flatMap(DockerEngine, (docker) => docker.ping()).pipe(
      Effect.provide(layer),
    ),
  )
  if (probe._tag === "Success") return { ignore: false }
  const error = Cause.squash(probe.cause)
  const reason = error instanceof Error ? error.message : String(error)
  console.log(`skipping Docker integration tests on the ${name}: ${reason}`)
  return { ignore: true }
}

/** Spread into a Deno.test definition, for tests of the local engine only. */
export const needsEngine: { ignore: boolean } = await needs("local engine", dockerLayer)

export interface TestEngine {
  /** Appended to each test's name. */
  readonly name: string
  readonly layer: Layer.Layer<DockerEngine>
  readonly needs: { ignore: boolean }
}

export const engines: ReadonlyArray<TestEngine> = [
  { name: "unix socket", layer: dockerLayer, needs: needsEngine },
  {
    name: "tcp with TLS",
    layer: secondEngineLayer,
    needs: secondEngine._tag === "Missing" && !inCi
      ? (console.log(`skipping Docker integration tests over TLS: ${secondEngine.reason}`), { ignore: true })
      : await needs("TLS engine", secondEngineLayer),
  },
]

/** Defines the test once per engine, its name followed by the engine's in brackets. */
export const onEachEngine = <E>(
  name: string,
  body: () => Effect.Effect<void, E, DockerEngine | Scope.Scope>,
  options: Omit<Deno.TestDefinition, "name" | "fn"> = {},
): void => {
  for (const engine of engines) it.live(`${name} (${engine.name})`, body, engine.layer, { ...engine.needs, ...options })
}
