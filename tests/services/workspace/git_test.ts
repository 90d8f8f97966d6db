import * as NodeContext from "@effect/platform-node/NodeContext"
import assert from "node:assert/strict"
import { Effect, Option, Redacted } from "effect"
import * as path from "node:path"
import { git, runGit, scrub } from "../../../src/services/workspace/git.ts"
import { it } from "../../support/effect_test.ts"
import { makeRepoIn } from "../../support/git_fixtures.ts"
import { makeTempDir } from "../../support/temp_home.ts"

const PAT = "pat" + "7".repeat(49)
const header = `Authorization: Basic ${btoa(`:${PAT}`)}`
const auth = Option.some(Redacted.make(header))

it.effect("scrub removes the header, its base64 credential and the bare PAT from any text", () =>
  Effect.sync(() => {
    const text = `sent ${header}; token ${btoa(`:${PAT}`)}; pat ${PAT}; done`
    const scrubbed = scrub(text, auth)
    assert.ok(!scrubbed.includes(PAT))
    assert.ok(!scrubbed.includes(btoa(`:${PAT}`)))
    assert.match(scrubbed, /^sent \*\*\*; token \*\*\*; pat \*\*\*; done$/)
    assert.equal(scrub(text, Option.none()), text)
  }), NodeContext.layer)

it.live(
  "a failing git command reports its exit code and the end of stderr, with the PAT scrubbed",
  () =>
    Effect.gen(function* () {
      const repo = yield* makeRepoIn(path.join(yield* makeTempDir(), "repo"))
      const error = yield* Effect.flip(git({ cwd: repo, args: ["rev-parse", "--verify", `no-such-${PAT}`], auth }))
      assert.equal(error._tag, "GitFailed")
      assert.equal(error.exitCode, 128)
      assert.ok(!error.message.includes(PAT), "neither the command nor stderr shows the PAT")
      assert.match(error.message, /git rev-parse --verify no-such-\*\*\* failed with exit code 128/)
    }),
  NodeContext.layer,
)

it.live(
  "the header reaches git only through its environment, scoped to the remote host, with credential helpers off",
  () =>
    Effect.gen(function* () {
      const repo = yield* makeRepoIn(path.join(yield* makeTempDir(), "repo"))
      const remote = "https://dev.azure.com/org/proj/_git/web"
      const output = yield* runGit({ cwd: repo, args: ["config", "--list", "--show-scope"], auth, remote })
      assert.equal(output.exitCode, 0)
      // git lists environment-given settings under the "command" scope: the header is there, scoped to the host.
      assert.match(output.stdout, /^command\s+http\.https:\/\/dev\.azure\.com\/\.extraheader=\*\*\*$/m)
      assert.match(output.stdout, /^command\s+credential\.helper=$/m)
      const local = yield* git({ cwd: repo, args: ["config", "--list", "--local"] })
      assert.doesNotMatch(local, /extraheader/i)
    }),
  NodeContext.layer,
)
