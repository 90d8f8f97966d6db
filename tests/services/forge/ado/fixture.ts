import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { Effect, Redacted } from "effect"
import { make } from "../../../../src/services/forge/ado/AdoForge.ts"
import { type AdoEmulator, startAdoEmulator } from "../../../support/ado_emulator/emulator.ts"

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

/** A new commit on the pull request's branch `agent/abc123`, as a push would make it; returns its id. */
export const pushCommit = (emulator: AdoEmulator, message: string) =>
  Effect.gen(function* () {
    const tree = yield* emulator.git("web", ["rev-parse", "agent/abc123^{tree}"])
    const commit = yield* emulator.git("web", ["commit-tree", tree, "-p", "agent/abc123", "-m", message])
    yield* emulator.git("web", ["update-ref", "refs/heads/agent/abc123", commit])
    return commit
  })
