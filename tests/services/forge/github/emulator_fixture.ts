/** The GitHub forge over the emulator, built from the repository URL as the runner parses it. */
import assert from "node:assert/strict"
import * as path from "node:path"
import { Effect, Redacted } from "effect"
import { make } from "../../../../src/services/forge/github/GitHubForge.ts"
import { parseRepoUrl } from "../../../../src/services/forge/repo_url.ts"
import { localRepo } from "../../../support/github_emulator/client.ts"
import type { GithubEmulatorOptions } from "../../../support/github_emulator/api.ts"
import { startGithubEmulator } from "../../../support/github_emulator/emulator.ts"
import { makeTempDir } from "../../../support/temp_home.ts"

/**
 * The emulator with `acme/web` (and `agent/abc123` branched from main), and the forge over it from its URL,
 * calling with `forgeToken` (the emulator's own token unless given).
 */
export const githubOnEmulator = (options: {
  readonly token: string
  readonly tokens?: GithubEmulatorOptions["tokens"]
  readonly forgeToken?: string
}) =>
  Effect.gen(function* () {
    const from = yield* localRepo(path.join(yield* makeTempDir(), "web"), { "hello.txt": "hello\n" }, {
      "agent/abc123": { "hello.txt": "hello world\n" },
    })
    const gh = yield* startGithubEmulator({
      token: options.token,
      ...(options.tokens === undefined ? {} : { tokens: options.tokens }),
      repos: [{ name: "web", from }],
    })
    const parsed = parseRepoUrl(gh.repoUrl("web"), { githubApiUrl: gh.apiUrl })
    assert.ok(parsed._tag === "Right" && parsed.right._tag === "GitHubRepoUrl")
    const { apiUrl, owner, repo, cloneUrl } = parsed.right
    const forge = yield* make({
      apiUrl,
      owner,
      repo,
      cloneUrl,
      token: Redacted.make(options.forgeToken ?? options.token),
      trustedAssociations: ["OWNER", "MEMBER", "COLLABORATOR"],
    })
    return { gh, forge }
  })
