/**
 * The worker image for agent tests: the local Debian base with what opencode needs at run time (git for
 * its snapshots, ripgrep so grep/glob never download one, bash for its bash tool) and the real opencode
 * binary, installed once per machine with npm into a cache outside the repository
 * (`$DEVVY_TEST_CACHE`, default ~/.cache/devvy-test). CI needs npm and the registry, nothing more.
 */
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { DockerEngine } from "../../../src/services/docker/DockerEngine.ts"
import { DEBIAN_IMAGE, ensureDebianBase } from "./debian.ts"

export const opencodeVersion = "1.18.33"
const dockerfile = `FROM ${DEBIAN_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends git ripgrep bash ca-certificates \\
 && rm -rf /var/lib/apt/lists/*
COPY opencode /usr/local/bin/opencode
RUN chmod 0755 /usr/local/bin/opencode && opencode --version
`

const cacheRoot = () =>
  Deno.env.get("DEVVY_TEST_CACHE") ??
    path.join(Deno.env.get("XDG_CACHE_HOME") ?? path.join(os.homedir(), ".cache"), "devvy-test")

const platformPackage = () => {
  if (Deno.build.os !== "linux") {
    throw new Error(`the test worker needs the linux opencode binary, not ${Deno.build.os}`)
  }
  return `opencode-linux-${Deno.build.arch === "aarch64" ? "arm64" : "x64"}`
}

/** The path of the linux opencode binary, installed with npm first if this machine has not got it yet. */
export const ensureOpencodeBinary: Effect.Effect<string> = Effect.sync(() => {
  const dir = path.join(cacheRoot(), `opencode-ai@${opencodeVersion}`)
  const binary = path.join(dir, "node_modules", platformPackage(), "bin", "opencode")
  if (fs.existsSync(binary)) return binary
  fs.mkdirSync(cacheRoot(), { recursive: true })
  // Installed beside and renamed into place, so parallel test processes never see half an install.
  const staging = fs.mkdtempSync(`${dir}.staging-`)
  const npm = new Deno.Command("npm", {
    args: ["install", "--prefix", staging, "--no-audit", "--no-fund", "--no-save", `opencode-ai@${opencodeVersion}`],
    stdin: "null",
  }).outputSync()
  if (!npm.success) {
    fs.rmSync(staging, { recursive: true, force: true })
    throw new Error(`npm install opencode-ai@${opencodeVersion} failed: ${new TextDecoder().decode(npm.stderr)}`)
  }
  try {
    fs.renameSync(staging, dir)
  } catch {
    fs.rmSync(staging, { recursive: true, force: true })
  }
  if (!fs.existsSync(binary)) throw new Error(`npm installed opencode-ai but ${binary} is missing`)
  return binary
})

const digest = async (text: string) => {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))
  return Array.from(bytes.slice(0, 6), (b) => b.toString(16).padStart(2, "0")).join("")
}

/** The image's tag, built on first use and kept on the engine: a changed Dockerfile gets a new tag. */
export const ensureWorkerTestImage = Effect.gen(function* () {
  const docker = yield* DockerEngine
  const tag = `devvy-test-worker:${opencodeVersion}-${yield* Effect.promise(() => digest(dockerfile))}`
  if (yield* docker.imageExists(tag)) return tag
  yield* ensureDebianBase
  const binary = yield* ensureOpencodeBinary
  const opencode = yield* Effect.sync(() => fs.readFileSync(binary))
  yield* docker.buildImage({ tag, context: { dockerfileText: dockerfile, files: { opencode } }, pull: false })
  return tag
})
