/**
 * The second Docker engine the remote-engine tests run against: tcp://127.0.0.1:<port> with TLS, started
 * by `.ci/run` with tests/support/second_engine.sh, which exports its address and client certificates as
 * DEVVY_TEST_TLS_DOCKER_HOST and DEVVY_TEST_TLS_CERT_PATH (ca.pem, cert.pem, key.pem, as DOCKER_CERT_PATH).
 * By hand: `eval "$(tests/support/second_engine.sh start /tmp/devvy-engine2)"`, and `… stop …` after.
 */
import { Effect, Layer } from "effect"
import { DockerEngine } from "../../src/services/docker/DockerEngine.ts"
import * as DockerEngineLive from "../../src/services/docker/engine.ts"

export type SecondEngine =
  | { readonly _tag: "Configured"; readonly host: string; readonly certPath: string }
  | { readonly _tag: "Missing"; readonly reason: string }

export const secondEngine: SecondEngine = (() => {
  const host = Deno.env.get("DEVVY_TEST_TLS_DOCKER_HOST") ?? ""
  const certPath = Deno.env.get("DEVVY_TEST_TLS_CERT_PATH") ?? ""
  return host !== "" && certPath !== "" ? { _tag: "Configured", host, certPath } : {
    _tag: "Missing",
    reason: "DEVVY_TEST_TLS_DOCKER_HOST and DEVVY_TEST_TLS_CERT_PATH are not set " +
      "(.ci/run starts the second engine with tests/support/second_engine.sh)",
  }
})()

/** The second engine as the DockerEngine service; without one, a layer that fails with the reason. */
export const secondEngineLayer: Layer.Layer<DockerEngine> = secondEngine._tag === "Configured"
  ? DockerEngineLive.layerAt(secondEngine.host, { tlsCertPath: secondEngine.certPath })
  : Layer.effect(DockerEngine, Effect.dieMessage(`no second Docker engine: ${secondEngine.reason}`))

/** `deno run -A tests/support/second_engine.ts images`: the images to copy to the second engine, one a line. */
if (import.meta.main && Deno.args[0] === "images") {
  // Not through the ticket harness: it imports this module, and a module waiting on its own import never runs.
  const { ensureWorkerTestImage } = await import("./images/worker_test_image.ts")
  const { DEBIAN_IMAGE } = await import("./images/debian.ts")
  const first = DockerEngineLive.layerAt(Deno.env.get("DOCKER_HOST") ?? "unix:///var/run/docker.sock")
  const worker = await Effect.runPromise(ensureWorkerTestImage.pipe(Effect.provide(first)))
  console.log([DEBIAN_IMAGE, worker].join("\n"))
}
