import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { Effect, Redacted } from "effect"
import { make } from "../../../../src/services/forge/ado/AdoForge.ts"
import { startAdoEmulator } from "../../../support/ado_emulator/emulator.ts"

/** 84 characters, the length of a new PAT: its base64 wraps at 76 columns unless encoded with care. */
export const PAT = "p".repeat(40) + "SECRETPAT" + "q".repeat(35)

export const HttpLive = FetchHttpClient.layer

/** The emulator with one seeded repository (`web`, with `agent/abc123` branched from main) and the forge over it. */
export const setup = (options: { readonly pat?: string; readonly signInPage?: boolean } = {}) =>
  Effect.gen(function* () {
    const emulator = yield* startAdoEmulator({
      pat: PAT,
      project: "My Project",
      repos: [{ name: "web", files: { "src/a.ts": "export const a = 1\n" } }],
      ...(options.signInPage === undefined ? {} : { signInPage: options.signInPage }),
    })
    yield* emulator.git("web", ["branch", "agent/abc123", "main"])
    const forge = yield* make({
      orgUrl: emulator.orgUrl,
      project: "My Project",
      repo: "web",
      pat: Redacted.make(options.pat ?? PAT),
    })
    return { emulator, forge }
  })

export const newPullRequest = {
  sourceBranch: "agent/abc123",
  targetBranch: "main",
  title: "Add the thing",
  description: "What and why",
}
