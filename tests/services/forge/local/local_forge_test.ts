import * as NodeContext from "@effect/platform-node/NodeContext"
import assert from "node:assert/strict"
import { Context, Effect, Layer, Option, type Scope } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { TicketId } from "../../../../src/domain/TicketId.ts"
import { DevvyPaths } from "../../../../src/services/config/DevvyPaths.ts"
import { Forge } from "../../../../src/services/forge/Forge.ts"
import { LocalForge } from "../../../../src/services/forge/local/LocalForge.ts"
import { LocalPullRequests } from "../../../../src/services/forge/local/LocalPullRequests.ts"
import { abandon, addComment, approve } from "../../../../src/services/forge/local/LocalReview.ts"
import { DatabaseLive } from "../../../../src/services/store/Database.ts"
import { Workspace } from "../../../../src/services/workspace/Workspace.ts"
import { it } from "../../../support/effect_test.ts"
import { gitIn, makeRepo, workspaceLayer, writeFiles } from "../../../support/git_fixtures.ts"
import { makeTempDir } from "../../../support/temp_home.ts"

const id = TicketId.make("c0ffee")
const branch = "agent/c0ffee"
const pr = { sourceBranch: branch, targetBranch: "trunk", title: "Add greeting", description: "Says hello" }

/** The user's project (a working repository on `trunk`), a DEVVY_HOME, and the local forge over both. */
const localForgeLayer = (repository: string, home: string) =>
  LocalForge.layer(repository).pipe(
    Layer.provideMerge(LocalPullRequests.Default),
    Layer.provideMerge(DatabaseLive),
    Layer.provide(DevvyPaths.at(home)),
    Layer.provideMerge(NodeContext.layer),
    Layer.merge(workspaceLayer(home)),
  )

const withLocalForge = <A, E>(
  body: (
    ctx: { readonly repo: string; readonly root: string },
  ) => Effect.Effect<A, E, Forge | Workspace | LocalPullRequests | NodeContext.NodeContext | Scope.Scope>,
  options: { readonly bare?: boolean } = {},
) =>
  Effect.gen(function* () {
    const root = yield* makeTempDir()
    const repo = makeRepo(path.join(root, options.bare ? "project.git" : "project"), {
      defaultBranch: "trunk",
      bare: options.bare ?? false,
      files: { "README.md": "# project\n" },
    })
    return yield* body({ repo, root }).pipe(Effect.provide(localForgeLayer(repo, path.join(root, "home"))))
  })

/** What PREPARE_ENV, IMPLEMENT and CREATE_PR do to the branch: clone, commit a file, push. */
const pushWork = (files: Record<string, string>) =>
  Effect.gen(function* () {
    const forge = yield* Forge
    const workspace = yield* Workspace
    const repository = yield* forge.repository
    yield* workspace.prepare({ id, url: repository.cloneUrl, auth: forge.gitAuthHeader, defaultBranch: "trunk" })
    writeFiles(workspace.path(id), files)
    yield* workspace.commitAll(id, "Add the greeting")
    yield* workspace.push(id, forge.gitAuthHeader)
    return yield* workspace.head(id)
  })

/** The work pushed and its pull request opened, as CREATE_PR leaves them. */
const openPullRequest = (files: Record<string, string>) =>
  Effect.gen(function* () {
    const forge = yield* Forge
    const head = yield* pushWork(files)
    const created = yield* forge.createPullRequest(pr)
    return { forge, head, created }
  })

it.live(
  "the local forge reads the default branch from the repository's HEAD and needs no credentials",
  () =>
    withLocalForge(({ repo }) =>
      Effect.gen(function* () {
        const forge = yield* Forge
        const repository = yield* forge.repository
        assert.equal(forge.kind, "local")
        assert.equal(repository.defaultBranch, "trunk")
        assert.equal(repository.name, "project")
        assert.equal(repository.cloneUrl, repo)
        assert.ok(Option.isNone(forge.gitAuthHeader))
        assert.equal((yield* forge.identity).name, "devvy")
      })
    ),
)

it.live("a folder that is not a repository is reported as not found", () =>
  Effect.gen(function* () {
    const root = yield* makeTempDir()
    const forge = yield* Effect.provide(Forge, localForgeLayer(path.join(root, "missing"), path.join(root, "home")))
    const error = yield* Effect.flip(forge.repository)
    assert.equal(error._tag, "ForgeNotFound")
    assert.match(error.message, /a git repository not found at .*missing/)
  }))

it.live(
  "a pull request is created once, commented on, replied to, and approving merges it into the default branch",
  () =>
    withLocalForge(({ repo }) =>
      Effect.gen(function* () {
        const forge = yield* Forge
        const head = yield* pushWork({ "src/greet.ts": "export const greet = () => 'hello'\n" })
        const first = yield* forge.createPullRequest(pr)
        const second = yield* forge.createPullRequest(pr)
        assert.equal(second.number, first.number)
        assert.equal(first.status, "active")
        assert.deepEqual(Option.map(yield* forge.findPullRequest(branch), (p) => p.number), Option.some(first.number))
        assert.equal(yield* gitIn(repo, "rev-parse", branch), head)

        yield* gitIn(repo, "config", "user.name", "Rita Reviewer")
        yield* gitIn(repo, "config", "user.email", "rita@example.invalid")
        const added = yield* addComment(id, { content: "Say hi instead", filePath: "./src/greet.ts", line: 1 })
        const general = yield* addComment(id, { content: "Looks good otherwise" })
        const replyId = yield* forge.reply(first.number, added.threadId, "Changed to hi")
        yield* forge.setThreadStatus(first.number, added.threadId, "fixed")
        const threads = yield* forge.threads(first.number)
        assert.equal(threads.length, 2)
        const [onFile, overall] = threads
        assert.equal(onFile.id, added.threadId)
        assert.equal(onFile.status, "fixed")
        assert.deepEqual([onFile.filePath, onFile.line], [Option.some("src/greet.ts"), Option.some(1)])
        assert.deepEqual(onFile.comments.map((c) => [c.content, c.isOwn]), [["Say hi instead", false], [
          "Changed to hi",
          true,
        ]])
        assert.equal(onFile.comments[1].id, replyId)
        assert.notEqual(onFile.comments[0].author.id, (yield* forge.identity).id)
        assert.equal(onFile.comments[0].author.name, "Rita Reviewer")
        assert.equal(overall.id, general.threadId)
        assert.ok(Option.isNone(overall.filePath))

        const approved = yield* approve(id)
        assert.equal(approved.pullRequest.status, "completed")
        assert.equal((yield* forge.pullRequest(first.number)).status, "completed")
        assert.ok(Option.isNone(yield* forge.findPullRequest(branch)))
        assert.equal(yield* gitIn(repo, "show", "trunk:src/greet.ts"), "export const greet = () => 'hello'")
        assert.equal(yield* gitIn(repo, "rev-parse", "trunk"), approved.mergeCommit)
        assert.equal(yield* gitIn(repo, "rev-parse", "trunk^2"), head)
        assert.equal(
          yield* gitIn(repo, "log", "-1", "--format=%an <%ae>", "trunk"),
          "Rita Reviewer <rita@example.invalid>",
        )
        // The user's checkout of trunk moved with it: the file is there and nothing shows as changed.
        assert.ok(fs.existsSync(path.join(repo, "src", "greet.ts")))
        assert.equal(yield* gitIn(repo, "status", "--porcelain"), "")

        const again = yield* Effect.flip(approve(id))
        assert.equal(again._tag, "PullRequestClosed")
        assert.match(again.message, /already merged/)
        const late = yield* Effect.flip(addComment(id, { content: "one more thing" }))
        assert.equal(late._tag, "PullRequestClosed")
      })
    ),
)

it.live(
  "approving merges into a bare repository by moving the branch only",
  () =>
    withLocalForge(({ repo }) =>
      Effect.gen(function* () {
        yield* openPullRequest({ "feature.txt": "feature\n" })
        const { mergeCommit } = yield* approve(id)
        assert.equal(yield* gitIn(repo, "rev-parse", "trunk"), mergeCommit)
        assert.equal(yield* gitIn(repo, "show", "trunk:feature.txt"), "feature")
      }), { bare: true }),
)

it.live(
  "uncommitted changes in the user's checkout block the merge and are left untouched",
  () =>
    withLocalForge(({ repo }) =>
      Effect.gen(function* () {
        const { forge } = yield* openPullRequest({ "README.md": "# project, by the agent\n" })
        const before = yield* gitIn(repo, "rev-parse", "trunk")
        writeFiles(repo, { "README.md": "# my own edit\n" })
        const error = yield* Effect.flip(approve(id))
        assert.equal(error._tag, "MergeBlocked")
        assert.match(error.message, /commit or stash them/)
        assert.equal(yield* gitIn(repo, "rev-parse", "trunk"), before)
        assert.equal(fs.readFileSync(path.join(repo, "README.md"), "utf8"), "# my own edit\n")
        assert.equal(
          (yield* forge.findPullRequest(branch)).pipe(Option.map((p) => p.status), Option.getOrNull),
          "active",
        )
      })
    ),
)

it.live(
  "a conflicting branch is refused with the conflicting files and the default branch is unchanged",
  () =>
    withLocalForge(({ repo }) =>
      Effect.gen(function* () {
        yield* openPullRequest({ "README.md": "# theirs\n" })
        writeFiles(repo, { "README.md": "# ours\n" })
        yield* gitIn(repo, "commit", "--quiet", "--all", "--message", "Edit the README")
        const before = yield* gitIn(repo, "rev-parse", "trunk")
        const error = yield* Effect.flip(approve(id))
        assert.equal(error._tag, "MergeConflict")
        if (error._tag === "MergeConflict") assert.deepEqual(error.files, ["README.md"])
        assert.equal(yield* gitIn(repo, "rev-parse", "trunk"), before)
        assert.equal(yield* gitIn(repo, "status", "--porcelain"), "")
      })
    ),
)

it.live(
  "an approval interrupted after the merge completes on retry without merging twice",
  () =>
    withLocalForge(({ repo }) =>
      Effect.gen(function* () {
        const { forge, created } = yield* openPullRequest({ "feature.txt": "feature\n" })
        // The merge landed, then the process died before the store recorded it.
        yield* gitIn(repo, "merge", "--quiet", "--no-ff", "--message", "Merged by hand", branch)
        const merged = yield* gitIn(repo, "rev-parse", "trunk")
        const { mergeCommit } = yield* approve(id)
        assert.equal(mergeCommit, merged)
        assert.equal(yield* gitIn(repo, "rev-parse", "trunk"), merged)
        assert.equal((yield* forge.pullRequest(created.number)).status, "completed")
      })
    ),
)

it.live(
  "abandoning closes the pull request and a later one for the branch is a new pull request",
  () =>
    withLocalForge(({ repo }) =>
      Effect.gen(function* () {
        const { forge, created } = yield* openPullRequest({ "feature.txt": "feature\n" })
        const before = yield* gitIn(repo, "rev-parse", "trunk")
        const abandoned = yield* abandon(id)
        assert.equal(abandoned.status, "abandoned")
        assert.equal((yield* forge.pullRequest(created.number)).status, "abandoned")
        assert.equal(yield* gitIn(repo, "rev-parse", "trunk"), before)
        assert.equal((yield* abandon(id)).status, "abandoned", "abandoning twice is fine")
        const refused = yield* Effect.flip(approve(id))
        assert.equal(refused._tag, "PullRequestClosed")
        assert.match(refused.message, /was abandoned/)
        const reopened = yield* forge.createPullRequest(pr)
        assert.notEqual(reopened.number, created.number)
      })
    ),
)

it.live(
  "reviewing a ticket without a pull request, or with an empty comment, is refused clearly",
  () =>
    withLocalForge(() =>
      Effect.gen(function* () {
        const forge = yield* Forge
        const none = yield* Effect.flip(approve(id))
        assert.equal(none._tag, "NoPullRequest")
        assert.match(none.message, /ticket c0ffee has no pull request yet/)
        assert.equal((yield* Effect.flip(abandon(id)))._tag, "NoPullRequest")
        const missingBranch = yield* Effect.flip(forge.createPullRequest(pr))
        assert.equal(missingBranch._tag, "ForgeNotFound")
        yield* openPullRequest({ "feature.txt": "feature\n" })
        const empty = yield* Effect.flip(addComment(id, { content: "  " }))
        assert.equal(empty._tag, "ReviewCommentInvalid")
        const lineOnly = yield* Effect.flip(addComment(id, { content: "here", line: 3 }))
        assert.match(lineOnly.message, /--line needs --file/)
        const unknownThread = yield* Effect.flip(forge.reply(1, "999", "hello"))
        assert.equal(unknownThread._tag, "ForgeNotFound")
      })
    ),
)

it.live(
  "two processes creating the same pull request at once end up with one",
  () =>
    withLocalForge(({ repo, root }) =>
      Effect.gen(function* () {
        yield* pushWork({ "feature.txt": "feature\n" })
        // A second, separately opened store over the same database, as another devvy process would have.
        const other = Context.get(yield* Layer.build(localForgeLayer(repo, path.join(root, "home"))), Forge)
        const forge = yield* Forge
        const created = yield* Effect.all(
          [forge.createPullRequest(pr), other.createPullRequest(pr), forge.createPullRequest(pr)],
          { concurrency: "unbounded" },
        )
        assert.equal(new Set(created.map((p) => p.number)).size, 1)
      })
    ),
)

it.live(
  "the local forge has no CI: no checks, and a comment on the pull request is devvy's own thread",
  () =>
    withLocalForge(() =>
      Effect.gen(function* () {
        const { forge, created: opened } = yield* openPullRequest({ "a.txt": "a\n" })
        assert.deepEqual((yield* forge.checks(opened.number)).checks, [])
        yield* forge.comment(opened.number, "A notice")
        const [notice] = yield* forge.threads(opened.number)
        assert.equal(notice.comments[0].content, "A notice")
        assert.ok(notice.comments[0].isOwn)
      })
    ),
  Layer.empty,
)
