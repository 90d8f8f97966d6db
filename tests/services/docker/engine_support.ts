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

/** Why the engine cannot be used, when it cannot; never asked in CI, where its tests must fail instead. */
const unusable = async (layer: Layer.Layer<DockerEngine>): Promise<string | undefined> => {
  if (inCi) return undefined
  const probe = await Effect.runPromiseExit(
    Effect.flatMap(DockerEngine, (docker) => docker.ping()).pipe(
      Effect.provide(layer),
    ),
  )
  if (probe._tag === "Success") return undefined
  const error = Cause.squash(probe.cause)
  return error instanceof Error ? error.message : String(error)
}

const localReason = await unusable(dockerLayer)
if (localReason !== undefined) console.log(`skipping Docker integration tests on the local engine: ${localReason}`)

/** Spread into a Deno.test definition, for tests of the local engine only. */
export const needsEngine: { ignore: boolean } = { ignore: localReason !== undefined }

export interface TestEngine {
  /** Appended to each test's name. */
  readonly name: string
  readonly layer: Layer.Layer<DockerEngine>
  readonly needs: { ignore: boolean }
}

const tlsReason = secondEngine._tag === "Missing" && !inCi ? secondEngine.reason : await unusable(secondEngineLayer)

export const engines: ReadonlyArray<TestEngine> = [
  { name: "unix socket", layer: dockerLayer, needs: needsEngine },
  { name: "tcp with TLS", layer: secondEngineLayer, needs: { ignore: tlsReason !== undefined } },
]

let toldTls = false

/** Spread into a Deno.test definition, for tests of the TLS engine only; says once why they are skipped. */
export const needsTlsEngine = (): { ignore: boolean } => {
  // Said by the files that run tests over TLS, not by every file that needs only the local engine.
  if (tlsReason !== undefined && !toldTls) console.log(`skipping Docker integration tests over TLS: ${tlsReason}`)
  toldTls = true
  return { ignore: tlsReason !== undefined }
}

/** Defines the test once per engine, its name followed by the engine's in brackets. */
export const onEachEngine = <E>(
  name: string,
  body: () => Effect.Effect<void, E, DockerEngine | Scope.Scope>,
  options: Omit<Deno.TestDefinition, "name" | "fn"> = {},
): void => {
  needsTlsEngine()
  for (const engine of engines) it.live(`${name} (${engine.name})`, body, engine.layer, { ...engine.needs, ...options })
}
