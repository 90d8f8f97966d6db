import assert from "node:assert/strict"
import { Effect, Option, Redacted } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { TicketId } from "../../../src/domain/TicketId.ts"
import { Workspace } from "../../../src/services/workspace/Workspace.ts"
import { it } from "../../support/effect_test.ts"
import { type RecordedSpan, recordingTracer } from "../../support/recording_tracer.ts"
import { commitFiles, gitIn, gitSync, makeRepo, workspaceLayer, writeFiles } from "../../support/git_fixtures.ts"
import { makeTempDir } from "../../support/temp_home.ts"

const id = TicketId.make("a1b2c3")
const none = Option.none()

/** A bare "server" repository, a DEVVY_HOME and an env file, all in one temporary folder. */
const setup = (settings: (root: string) => Record<string, string> = () => ({})) =>
  Effect.gen(function* () {
    const root = yield* makeTempDir()
    const remote = makeRepo(path.join(root, "server.git"), { bare: true, files: { "app.ts": "export {}\n" } })
    fs.writeFileSync(path.join(root, "secrets.env"), "API_KEY=sk-live-123\n")
    const home = path.join(root, "home")
    const workspace = yield* Effect.provide(Workspace, workspaceLayer(home, settings(root)))
    return { root, remote, home, workspace, dir: path.join(home, "workspaces", id) }
  })

const withEnv = (root: string) => ({
  DEVVY_ENV_FILE: path.join(root, "secrets.env"),
  DEVVY_GIT_AUTHOR_NAME: "devvy bot",
  DEVVY_GIT_AUTHOR_EMAIL: "bot@devvy.invalid",
})

it.live(
  "prepare clones into the ticket's workspace on agent/<id> from the default branch",
  () =>
    Effect.gen(function* () {
      const { remote, workspace, dir } = yield* setup()
      // An empty folder already there (a bind mount made early) does not stand in the way.
      fs.mkdirSync(dir, { recursive: true })
      const prepared = yield* workspace.prepare({ id, url: remote, auth: none, defaultBranch: "main" })
      assert.equal(prepared.path, dir)
      assert.equal(prepared.branch, "agent/a1b2c3")
      assert.equal(prepared.reused, false)
      assert.equal(yield* gitIn(dir, "symbolic-ref", "--short", "HEAD"), "agent/a1b2c3")
      assert.equal(prepared.head, yield* gitIn(remote, "rev-parse", "main"))
      assert.ok(fs.existsSync(path.join(dir, "app.ts")))
      assert.deepEqual(fs.readdirSync(path.dirname(dir)), ["a1b2c3"], "no partial clone is left beside it")
    }),
)

it.live(
  "the env file is copied in, ignored through .git/info/exclude, and never committed",
  () =>
    Effect.gen(function* () {
      const { remote, workspace, dir } = yield* setup(withEnv)
      yield* workspace.prepare({ id, url: remote, auth: none, defaultBranch: "main" })
      assert.equal(fs.readFileSync(path.join(dir, ".env"), "utf8"), "API_KEY=sk-live-123\n")
      assert.match(fs.readFileSync(path.join(dir, ".git", "info", "exclude"), "utf8"), /^\/\.env$/m)
      assert.ok(!fs.existsSync(path.join(dir, ".gitignore")), "the repository's .gitignore is not touched")
      assert.equal(yield* workspace.hasUncommittedChanges(id), false)
      writeFiles(dir, { "src/feature.ts": "export const x = 1\n" })
      assert.equal(yield* workspace.commitAll(id, "Add a feature"), true)
      const files = yield* gitIn(dir, "ls-tree", "-r", "--name-only", "HEAD")
      assert.deepEqual(files.split("\n").sort(), ["app.ts", "src/feature.ts"])
      // Copying it again (a resumed PREPARE_ENV) does not list it twice.
      yield* workspace.copyEnvFile(id)
      const exclude = fs.readFileSync(path.join(dir, ".git", "info", "exclude"), "utf8")
      assert.equal(exclude.split("\n").filter((l) => l === "/.env").length, 1)
    }),
)

it.live("a repository that tracks .env never gets the configured secrets committed", () =>
  Effect.gen(function* () {
    const root = yield* makeTempDir()
    const remote = makeRepo(path.join(root, "server.git"), { bare: true, files: { ".env": "API_KEY=\n" } })
    fs.writeFileSync(path.join(root, "secrets.env"), "API_KEY=sk-live-123\n")
    const workspace = yield* Effect.provide(Workspace, workspaceLayer(path.join(root, "home"), withEnv(root)))
    const dir = workspace.path(id)
    yield* workspace.prepare({ id, url: remote, auth: none, defaultBranch: "main" })
    assert.equal(yield* workspace.hasUncommittedChanges(id), false)
    writeFiles(dir, { "b.ts": "export {}\n" })
    assert.equal(yield* workspace.commitAll(id, "Add b"), true)
    assert.equal(yield* gitIn(dir, "show", "HEAD:.env"), "API_KEY=")
  }))

it.live(
  "commitAll commits as the configured author and reports when there was nothing to commit",
  () =>
    Effect.gen(function* () {
      const { remote, workspace, dir } = yield* setup(withEnv)
      yield* workspace.prepare({ id, url: remote, auth: none, defaultBranch: "main" })
      assert.equal(yield* workspace.commitAll(id, "Nothing yet"), false)
      writeFiles(dir, { "app.ts": "export const changed = true\n" })
      assert.equal(yield* workspace.hasUncommittedChanges(id), true)
      assert.equal(yield* workspace.commitAll(id, "Change the app"), true)
      assert.equal(yield* workspace.hasUncommittedChanges(id), false)
      assert.equal(
        yield* gitIn(dir, "log", "-1", "--format=%an <%ae>|%cn <%ce>|%s"),
        [
          "devvy bot <bot@devvy.invalid>",
          "devvy bot <bot@devvy.invalid>",
          "Change the app",
        ].join("|"),
      )
    }),
)

it.live("push publishes agent/<id> and pushing it again is fine", () =>
  Effect.gen(function* () {
    const { remote, workspace, dir } = yield* setup()
    yield* workspace.prepare({ id, url: remote, auth: none, defaultBranch: "main" })
    writeFiles(dir, { "new.ts": "export {}\n" })
    yield* workspace.commitAll(id, "Add new.ts")
    yield* workspace.push(id, none)
    const head = yield* workspace.head(id)
    assert.equal(yield* gitIn(remote, "rev-parse", "refs/heads/agent/a1b2c3"), head)
    yield* workspace.push(id, none)
    assert.equal(yield* gitIn(remote, "rev-parse", "refs/heads/agent/a1b2c3"), head)
    assert.equal(yield* gitIn(remote, "rev-parse", "main"), yield* gitIn(dir, "rev-parse", "origin/main"))
  }))

it.live(
  "after a crash an existing clone is reused with its unpushed commits, not cloned again",
  () =>
    Effect.gen(function* () {
      const { remote, workspace, dir } = yield* setup()
      yield* workspace.prepare({ id, url: remote, auth: none, defaultBranch: "main" })
      writeFiles(dir, { "work.ts": "export const done = 1\n" })
      yield* workspace.commitAll(id, "Unpushed work")
      const committed = yield* workspace.head(id)
      writeFiles(dir, { "wip.ts": "half written\n" })
      // What a git killed mid-command leaves behind.
      fs.writeFileSync(path.join(dir, ".git", "index.lock"), "")
      const again = yield* workspace.prepare({ id, url: remote, auth: none, defaultBranch: "main" })
      assert.equal(again.reused, true)
      assert.equal(again.head, committed)
      assert.equal(fs.readFileSync(path.join(dir, "wip.ts"), "utf8"), "half written\n")
      assert.equal(yield* workspace.commitAll(id, "The rest"), true)
      yield* workspace.push(id, none)
      assert.equal(yield* gitIn(remote, "rev-parse", "agent/a1b2c3~1"), committed)
    }),
)

it.live("a lost workspace whose branch was pushed resumes from the pushed branch", () =>
  Effect.gen(function* () {
    const { remote, workspace, dir } = yield* setup()
    yield* workspace.prepare({ id, url: remote, auth: none, defaultBranch: "main" })
    writeFiles(dir, { "pushed.ts": "export {}\n" })
    yield* workspace.commitAll(id, "Pushed work")
    yield* workspace.push(id, none)
    const pushed = yield* workspace.head(id)
    yield* workspace.delete(id)
    assert.ok(!fs.existsSync(dir))
    // Meanwhile the default branch moved on: the agent branch must not be recreated from it.
    const other = path.join(path.dirname(remote), "other")
    gitSync(path.dirname(remote), ["clone", "--quiet", remote, other])
    commitFiles(other, { "later.ts": "export {}\n" })
    gitSync(other, ["push", "--quiet", "origin", "main"])
    const again = yield* workspace.prepare({ id, url: remote, auth: none, defaultBranch: "main" })
    assert.equal(again.reused, false)
    assert.equal(again.head, pushed)
    assert.ok(fs.existsSync(path.join(dir, "pushed.ts")))
  }))

it.live(
  "a missing repository, a missing default branch and a missing workspace are told apart",
  () =>
    Effect.gen(function* () {
      const { root, remote, workspace } = yield* setup()
      const missing = path.join(root, "nowhere.git")
      const notFound = yield* Effect.flip(workspace.prepare({ id, url: missing, auth: none, defaultBranch: "main" }))
      assert.equal(notFound._tag, "GitRepositoryNotFound")
      assert.match(notFound.message, /nowhere\.git: check the repository URL/)
      assert.deepEqual(fs.readdirSync(path.join(root, "home", "workspaces")), [], "a failed clone leaves nothing")
      const noBranch = yield* Effect.flip(workspace.prepare({ id, url: remote, auth: none, defaultBranch: "trunk" }))
      assert.equal(noBranch._tag, "GitBranchNotFound")
      assert.match(noBranch.message, /branch trunk does not exist/)
      yield* workspace.delete(id)
      const gone = yield* Effect.flip(workspace.commitAll(id, "x"))
      assert.equal(gone._tag, "WorkspaceNotFound")
      const noEnv = yield* Effect.flip(
        Effect.provide(Workspace, workspaceLayer(path.join(root, "home"), { DEVVY_ENV_FILE: missing })).pipe(
          Effect.flatMap((w) => w.prepare({ id, url: remote, auth: none, defaultBranch: "main" })),
        ),
      )
      assert.equal(noEnv._tag, "EnvFileNotFound")
    }),
)

it.live("delete removes the workspace and is safe to repeat", () =>
  Effect.gen(function* () {
    const { remote, workspace, dir } = yield* setup()
    yield* workspace.prepare({ id, url: remote, auth: none, defaultBranch: "main" })
    yield* workspace.delete(id)
    assert.ok(!fs.existsSync(dir))
    yield* workspace.delete(id)
    assert.ok(!fs.existsSync(dir))
  }))

it.live(
  "every git command is a span with its exit code, and no span carries the credentials",
  () =>
    Effect.gen(function* () {
      const { remote, workspace } = yield* setup()
      const secret = "Authorization: Basic " + btoa(":span-secret-pat")
      const auth = Option.some(Redacted.make(secret))
      const spans: Array<RecordedSpan> = []
      yield* Effect.gen(function* () {
        yield* workspace.prepare({ id, url: remote, auth, defaultBranch: "main" })
        yield* workspace.push(id, auth)
      }).pipe(Effect.withTracer(recordingTracer(spans)))
      const names = spans.map((s) => s.name)
      for (
        const name of [
          "Workspace.prepare",
          "Workspace.clone",
          "git clone",
          "git checkout",
          "Workspace.push",
          "git push",
        ]
      ) {
        assert.ok(names.includes(name), `a span named ${name}`)
      }
      assert.ok(
        spans.filter((s) => s.name.startsWith("git ")).every((s) =>
          typeof s.attributes.get("git.exit_code") === "number"
        ),
      )
      assert.equal(spans.find((s) => s.name === "Workspace.clone")?.attributes.get("devvy.ticket"), id)
      const everything = JSON.stringify(spans.map((s) => [s.name, [...s.attributes]]))
      assert.ok(!everything.includes("span-secret-pat") && !everything.includes(btoa(":span-secret-pat")))
    }),
)

// As root, permissions never stop a removal, so the behaviour can only be shown as another user.
it.live(
  "delete removes read-only folders a build left in the workspace",
  () =>
    Effect.gen(function* () {
      const { remote, workspace, dir } = yield* setup()
      yield* workspace.prepare({ id, url: remote, auth: none, defaultBranch: "main" })
      writeFiles(dir, { "cache/mod/file.txt": "cached\n" })
      fs.chmodSync(path.join(dir, "cache", "mod"), 0o555)
      fs.chmodSync(path.join(dir, "cache"), 0o555)
      yield* workspace.delete(id)
      assert.ok(!fs.existsSync(dir))
    }),
  { ignore: Deno.uid() === 0 },
)

it.live(
  "commitAll commits on agent/<id> even when the agent switched to another branch",
  () =>
    Effect.gen(function* () {
      const { remote, workspace, dir } = yield* setup()
      yield* workspace.prepare({ id, url: remote, auth: none, defaultBranch: "main" })
      yield* gitIn(dir, "checkout", "--quiet", "-b", "scratch")
      writeFiles(dir, { "moved.ts": "export {}\n" })
      assert.equal(yield* workspace.commitAll(id, "Work done on the wrong branch"), true)
      assert.equal(yield* gitIn(dir, "symbolic-ref", "--short", "HEAD"), "agent/a1b2c3")
      assert.equal(yield* gitIn(dir, "log", "-1", "--format=%s", "agent/a1b2c3"), "Work done on the wrong branch")
      yield* workspace.push(id, none)
      assert.equal(yield* gitIn(remote, "show", "agent/a1b2c3:moved.ts"), "export {}")
    }),
)

it.live("commitsAhead counts the branch's own commits beyond the default branch", () =>
  Effect.gen(function* () {
    const { remote, workspace, dir } = yield* setup(withEnv)
    yield* workspace.prepare({ id, url: remote, auth: none, defaultBranch: "main" })
    assert.equal(yield* workspace.commitsAhead(id, "main"), 0)
    writeFiles(dir, { "src/feature.ts": "export const x = 1\n" })
    yield* workspace.commitAll(id, "feature")
    assert.equal(yield* workspace.commitsAhead(id, "main"), 1)
  }))
