/**
 * TLS to a tcp:// engine the way the docker CLI does it (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH): the
 * engine's certificate must be signed by `ca.pem` and valid for the host's name, and devvy shows
 * `cert.pem` / `key.pem` as its client certificate. Every way this can go wrong names the file to fix.
 */
import * as Either from "effect/Either"
import * as path from "node:path"
import { EngineTlsInvalid } from "./DockerError.ts"

export interface TlsFiles {
  readonly ca: string
  readonly cert: string
  readonly key: string
}

/** What Deno.createHttpClient and Deno.connectTls take. */
export interface TlsMaterial {
  readonly caCerts: Array<string>
  readonly cert: string
  readonly key: string
}

export interface Tls {
  readonly files: TlsFiles
  /** Read once when the engine is made; a failure is kept and reported by the first call that needs it. */
  readonly material: Either.Either<TlsMaterial, EngineTlsInvalid>
}

export const tlsFiles = (certPath: string): TlsFiles => ({
  ca: path.join(certPath, "ca.pem"),
  cert: path.join(certPath, "cert.pem"),
  key: path.join(certPath, "key.pem"),
})

const readPem = (host: string, file: string, marker: RegExp, what: string): Either.Either<string, EngineTlsInvalid> => {
  let text: string
  try {
    text = Deno.readTextFileSync(file)
  } catch (error) {
    const detail = error instanceof Deno.errors.NotFound
      ? "the file does not exist"
      : error instanceof Deno.errors.PermissionDenied
      ? "the file cannot be read (permission denied)"
      : `the file cannot be read (${error instanceof Error ? error.message : String(error)})`
    return Either.left(new EngineTlsInvalid({ host, file, detail }))
  }
  return marker.test(text)
    ? Either.right(text)
    : Either.left(new EngineTlsInvalid({ host, file, detail: `the file holds no ${what} in PEM form` }))
}

export const loadTls = (host: string, certPath: string): Tls => {
  const files = tlsFiles(certPath)
  const certificate = /-----BEGIN CERTIFICATE-----/
  const material = Either.all({
    ca: readPem(host, files.ca, certificate, "certificate"),
    cert: readPem(host, files.cert, certificate, "certificate"),
    key: readPem(host, files.key, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, "private key"),
  }).pipe(Either.map(({ ca, cert, key }) => ({ caCerts: [ca], cert, key })))
  return { files, material }
}

/** The error and what caused it, outermost first: fetch wraps the TLS failure two levels down. */
const causes = (error: unknown): Array<unknown> => {
  const chain: Array<unknown> = []
  for (let e: unknown = error; e !== undefined && chain.length < 6;) {
    chain.push(e)
    e = typeof e === "object" && e !== null && "cause" in e ? e.cause : undefined
  }
  return chain
}

/**
 * What a failed connection says about the certificates, in rustls' words as Deno passes them on; undefined
 * when the failure is not about TLS (a refused connection, a dropped one), which callers treat as before.
 */
export const tlsFailure = (host: string, tls: Tls, error: unknown): EngineTlsInvalid | undefined => {
  const chain = causes(error)
  const known = chain.find((e): e is EngineTlsInvalid => e instanceof EngineTlsInvalid)
  if (known !== undefined) return known
  const text = chain.map((e) => e instanceof Error ? e.message : String(e)).join(": ")
  const { files } = tls
  const peer = /invalid peer certificate: (.*)$/m.exec(text)?.[1]
  if (peer !== undefined) {
    const detail = /UnknownIssuer|BadSignature/.test(peer)
      ? "the engine's certificate is not signed by this CA"
      : /not valid for name/.test(peer)
      ? `the engine's certificate does not name the host devvy dials (${peer.replace(/^certificate /, "")})`
      : /Expired|NotValidYet/.test(peer)
      ? `the engine's certificate is out of its validity period (${peer})`
      : `the engine's certificate was refused (${peer})`
    return new EngineTlsInvalid({ host, file: files.ca, detail })
  }
  const alert = /received fatal alert: (\w+)/.exec(text)?.[1]
  if (alert !== undefined && /Certificate|UnknownCA|DecryptError|AccessDenied/.test(alert)) {
    return new EngineTlsInvalid({
      host,
      file: files.cert,
      detail: `the engine refused this client certificate (${alert}): it must be signed by a CA the engine trusts`,
    })
  }
  if (/KeyMismatch|keys may not be consistent/.test(text)) {
    return new EngineTlsInvalid({ host, file: files.key, detail: `the key does not belong to ${files.cert}` })
  }
  if (/No keys found|private key/i.test(text)) {
    return new EngineTlsInvalid({ host, file: files.key, detail: `the key cannot be used (${text})` })
  }
  if (/InvalidContentType|CorruptMessage|corrupt message|InvalidMessage/.test(text)) {
    return new EngineTlsInvalid({
      host,
      file: files.ca,
      detail: "the engine does not answer TLS on that port: it listens without --tlsverify, so unset DOCKER_TLS_VERIFY",
    })
  }
  return undefined
}
