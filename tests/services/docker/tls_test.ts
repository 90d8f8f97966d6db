/**
 * TLS to a tcp:// engine as the docker CLI does it: certificates that cannot work are reported naming the
 * file to fix (against the second engine, tests/support/second_engine.ts), and plain tcp:// warns once.
 */
import assert from "node:assert/strict"
import * as path from "node:path"
import { Effect, Layer, Logger } from "effect"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import * as DockerEngineLive from "../../../src/services/docker/engine.ts"
import { it } from "../../support/effect_test.ts"
import { secondEngine } from "../../support/second_engine.ts"
import { needsTlsEngine } from "./engine_support.ts"

const tempDir = Effect.acquireRelease(
  Effect.promise(() => Deno.makeTempDir({ prefix: "devvy-tls-" })),
  (dir) => Effect.promise(() => Deno.remove(dir, { recursive: true })),
)

const openssl = (cwd: string, ...args: Array<string>) =>
  Effect.promise(async () => {
    const output = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" }).output()
    if (!output.success) throw new Error(`openssl ${args.join(" ")}: ${new TextDecoder().decode(output.stderr)}`)
  })

/** A folder in DOCKER_CERT_PATH's layout whose files come from `files` (name → source path). */
const certFolder = (root: string, name: string, files: Record<"ca.pem" | "cert.pem" | "key.pem", string>) =>
  Effect.promise(async () => {
    const dir = path.join(root, name)
    await Deno.mkdir(dir)
    for (const [file, source] of Object.entries(files)) await Deno.copyFile(source, path.join(dir, file))
    return dir
  })

/** A CA of its own and a client certificate it signed itself: nothing the second engine trusts. */
const strangerCerts = (root: string) =>
  Effect.gen(function* () {
    const dir = path.join(root, "stranger")
    yield* Effect.promise(() => Deno.mkdir(dir))
    for (const [key, cert, subject] of [["ca-key.pem", "ca.pem", "/CN=another CA"], ["key.pem", "cert.pem", "/CN=x"]]) {
      yield* openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key)
      yield* openssl(dir, "req", "-new", "-x509", "-days", "1", "-key", key, "-subj", subject, "-out", cert)
    }
    return dir
  })

const pingWith = (host: string, certPath: string) =>
  Effect.flatMap(DockerEngine, (docker) => docker.ping()).pipe(
    Effect.flip,
    Effect.provide(Layer.fresh(DockerEngineLive.layerAt(host, { tlsCertPath: certPath }))),
  )

it.live(
  "certificates the engine and devvy do not share, or no TLS at all, are refused, each naming what to fix",
  () =>
    Effect.gen(function* () {
      if (secondEngine._tag === "Missing") return yield* Effect.dieMessage(secondEngine.reason)
      const { host, certPath } = secondEngine
      const root = yield* tempDir
      const stranger = yield* strangerCerts(root)
      const good = (file: string) => path.join(certPath, file)
      const own = (file: string) => path.join(stranger, file)

      const wrongCa = yield* certFolder(root, "wrong-ca", {
        "ca.pem": own("ca.pem"),
        "cert.pem": good("cert.pem"),
        "key.pem": good("key.pem"),
      })
      const refusedServer = yield* pingWith(host, wrongCa)
      assert.equal(refusedServer._tag, "EngineTlsInvalid")
      assert.ok(refusedServer.message.includes(`${wrongCa}/ca.pem: the engine's certificate is not signed by this CA`))

      const untrusted = yield* certFolder(root, "untrusted", {
        "ca.pem": good("ca.pem"),
        "cert.pem": own("cert.pem"),
        "key.pem": own("key.pem"),
      })
      const refusedClient = yield* pingWith(host, untrusted)
      assert.equal(refusedClient._tag, "EngineTlsInvalid")
      assert.ok(refusedClient.message.includes(`${untrusted}/cert.pem: the engine refused this client certificate`))

      const mismatched = yield* certFolder(root, "mismatched", {
        "ca.pem": good("ca.pem"),
        "cert.pem": good("cert.pem"),
        "key.pem": own("key.pem"),
      })
      const badKey = yield* pingWith(host, mismatched)
      assert.equal(badKey._tag, "EngineTlsInvalid")
      assert.ok(badKey.message.includes(`${mismatched}/key.pem: the key does not belong to ${mismatched}/cert.pem`))

      const withoutTls = yield* Effect.flatMap(DockerEngine, (docker) => docker.ping()).pipe(
        Effect.flip,
        Effect.provide(Layer.fresh(DockerEngineLive.layerAt(host))),
      )
      assert.equal(withoutTls._tag, "EngineTlsInvalid")
      assert.match(withoutTls.message, /DOCKER_TLS_VERIFY: it is not set, but the engine answers only TLS/)

      // The same engine with the right files answers: the refusals above were the certificates' doing.
      const info = yield* Effect.flatMap(DockerEngine, (docker) => docker.ping()).pipe(
        Effect.provide(Layer.fresh(DockerEngineLive.layerAt(host, { tlsCertPath: certPath }))),
      )
      assert.match(info.apiVersion, /^1\.\d+$/)
    }),
  needsTlsEngine(),
)

it.live(
  "a missing certificate file is reported by name on the first call, not when the engine is set up",
  () =>
    Effect.gen(function* () {
      const dir = yield* tempDir
      yield* Effect.promise(() => Deno.writeTextFile(path.join(dir, "ca.pem"), "-----BEGIN CERTIFICATE-----\n"))
      yield* Effect.promise(() => Deno.writeTextFile(path.join(dir, "cert.pem"), "not a certificate\n"))
      // Building the layer reads nothing it cannot do without: commands that never call Docker still run.
      const error = yield* pingWith("tcp://127.0.0.1:9", dir)
      assert.equal(error._tag, "EngineTlsInvalid")
      assert.ok(error.message.includes(`${dir}/cert.pem: the file holds no certificate in PEM form`), error.message)
      yield* Effect.promise(() => Deno.remove(path.join(dir, "cert.pem")))
      const missing = yield* pingWith("tcp://127.0.0.1:9", dir)
      assert.ok(missing.message.includes(`${dir}/cert.pem: the file does not exist`), missing.message)
      assert.match(missing.message, /DOCKER_CERT_PATH \(default ~\/\.docker\) must hold ca\.pem/)
    }),
)

it.live(
  "a tcp:// engine without DOCKER_TLS_VERIFY is spoken to in plain HTTP, with one warning however many calls",
  () =>
    Effect.gen(function* () {
      const server = yield* Effect.acquireRelease(
        Effect.sync(() =>
          Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) =>
            new URL(request.url).pathname.endsWith("/version")
              ? Response.json({ Version: "99.0.0", ApiVersion: "1.43" })
              : Response.json({ message: "no such image" }, { status: 404 }))
        ),
        (server) =>
          Effect.promise(() =>
            server.shutdown()
          ),
      )
      const warnings: Array<string> = []
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make(({ logLevel, message }) => {
          if (logLevel._tag === "Warning") warnings.push(String(message))
        }),
      )
      const host = `tcp://127.0.0.1:${server.addr.port}`
      const docker = yield* DockerEngine.pipe(Effect.provide(Layer.fresh(DockerEngineLive.layerAt(host))))
      yield* Effect.provide(Effect.all([docker.ping(), docker.imageExists("x:1"), docker.imageExists("y:1")]), capture)
      assert.equal(warnings.length, 1, warnings.join("\n"))
      assert.match(warnings[0], new RegExp(`DOCKER_HOST is ${host} without TLS.*set DOCKER_TLS_VERIFY=1`))
    }),
)
