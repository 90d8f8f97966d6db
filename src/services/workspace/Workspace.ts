import { CommandExecutor } from "@effect/platform/CommandExecutor"
import { FileSystem } from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as path from "node:path"
import { branchName, type TicketId } from "../../domain/TicketId.ts"
import { AppConfig } from "../config/AppConfig.ts"
import { DevvyPaths, workspaceDir } from "../config/DevvyPaths.ts"
import { git, gitStream, runGit } from "./git.ts"
import { remoteGit } from "./remote.ts"
import { EnvFileNotFound, GitBranchNotFound, GitFailed, WorkspaceNotFound } from "./WorkspaceError.ts"

/** The `http.extraHeader` value git authenticates with (the forge's `gitAuthHeader`), or none. */
export type GitAuth = Option.Option<Redacted.Redacted<string>>

export interface CloneInput {
  readonly id: TicketId
  /** Without credentials: they travel in `auth`, through git's environment. */
  readonly url: string
  readonly auth: GitAuth
}

export interface PrepareInput extends CloneInput {
  readonly defaultBranch: string
}

export interface CloneOptions {
  /**
   * False: the clone gets its history only, and `checkoutBranch` writes its files, so that something else
   * can be done with the history meanwhile (copy mode sends the worker the branch's files from it).
   */
  readonly checkout?: boolean
}

export interface Cloned {
  readonly path: string
  readonly reused: boolean
}

export interface Prepared {
  readonly path: string
  readonly branch: string
  readonly head: string
  /** An earlier clone was found and kept, with whatever it had committed. */
  readonly reused: boolean
}

/** In the clone's own attributes (they come before the repository's): `git archive` leaves nothing out. */
const exportAsCheckedOut = "* -export-ignore -export-subst"

/** Where the configured env file lands in a workspace; kept out of every commit. */
export const envFileName = ".env"
// Pathspec magic: everything from the top except the env file, even if the repository tracks one.
const allButEnv = [":/", `:(top,exclude)${envFileName}`]

/** A ticket's clone on the host, at `$DEVVY_HOME/workspaces/<id>`, on the branch `agent/<id>`. */
export class Workspace extends Effect.Service<Workspace>()("devvy/Workspace", {
  effect: Effect.gen(function* () {
    const fs = yield* FileSystem
    const paths = yield* DevvyPaths
    const config = yield* AppConfig
    const executor = yield* CommandExecutor
    const run = <A, E>(effect: Effect.Effect<A, E, CommandExecutor>) =>
      Effect.provideService(effect, CommandExecutor, executor)

    const dirOf = (id: TicketId) => workspaceDir(paths, id)
    const exists = (file: string) => fs.exists(file).pipe(Effect.orElseSucceed(() => false))

    /** The workspace of a ticket that must already have one. */
    const existing = Effect.fnUntraced(function* (id: TicketId) {
      const dir = dirOf(id)
      if (!(yield* exists(path.join(dir, ".git")))) return yield* new WorkspaceNotFound({ id, path: dir })
      return dir
    })

    const originUrl = (dir: string) => run(git({ cwd: dir, args: ["remote", "get-url", "origin"] }))

    const hasRef = (dir: string, ref: string) =>
      run(runGit({ cwd: dir, args: ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`] })).pipe(
        Effect.map((output) => output.exitCode === 0),
      )

    /**
     * Clones into a temporary folder renamed into place once complete, so a workspace that exists is a whole
     * clone. One that exists is kept (it may hold commits not pushed yet) and only fetched.
     */
    const clone = Effect.fn("Workspace.clone")(function* (input: CloneInput, options: CloneOptions = {}) {
      const dir = dirOf(input.id)
      yield* Effect.annotateCurrentSpan("devvy.ticket", input.id)
      yield* fs.makeDirectory(paths.workspaces, { recursive: true }).pipe(Effect.orDie)
      yield* removePartialClones(input.id)
      if (yield* exists(path.join(dir, ".git"))) {
        // A git killed mid-command leaves its lock behind; nothing else works in this workspace while we do.
        yield* fs.remove(path.join(dir, ".git", "index.lock"), { force: true }).pipe(Effect.orDie)
        yield* run(
          remoteGit({ cwd: dir, url: input.url, auth: input.auth, args: ["fetch", "--quiet", "--prune", "origin"] }),
        )
        return { path: dir, reused: true }
      }
      const partial = path.join(paths.workspaces, `.${input.id}.clone-${crypto.randomUUID().slice(0, 8)}`)
      yield* run(remoteGit({
        cwd: paths.workspaces,
        url: input.url,
        auth: input.auth,
        args: [
          "clone",
          "--quiet",
          ...(options.checkout === false ? ["--no-checkout"] : []),
          "--origin",
          "origin",
          "--",
          input.url,
          partial,
        ],
      })).pipe(Effect.onError(() => fs.remove(partial, { recursive: true, force: true }).pipe(Effect.ignore)))
      // An empty folder in the way (a bind mount made before the clone) is replaced; anything else is kept.
      if ((yield* exists(dir)) && (yield* fs.readDirectory(dir).pipe(Effect.orDie)).length === 0) {
        yield* fs.remove(dir, { recursive: true }).pipe(Effect.orDie)
      }
      yield* fs.rename(partial, dir).pipe(Effect.orDie)
      return { path: dir, reused: false }
    })

    const removePartialClones = Effect.fnUntraced(function* (id: TicketId) {
      const entries = yield* fs.readDirectory(paths.workspaces).pipe(Effect.orDie)
      for (const entry of entries.filter((e) => e.startsWith(`.${id}.clone-`))) {
        yield* fs.remove(path.join(paths.workspaces, entry), { recursive: true, force: true }).pipe(Effect.orDie)
      }
    })

    /** Puts the workspace on `agent/<id>`, taken from where `startOf` says. */
    const checkoutBranch = Effect.fn("Workspace.checkoutBranch")(function* (id: TicketId, defaultBranch: string) {
      const dir = yield* existing(id)
      const branch = branchName(id)
      const current = yield* run(runGit({ cwd: dir, args: ["symbolic-ref", "--quiet", "--short", "HEAD"] }))
      const checkedOut = yield* exists(path.join(dir, ".git", "index"))
      if (checkedOut && current.exitCode === 0 && current.stdout.trim() === branch) return branch
      // No index: a clone made without a checkout, whose checkout may have been cut short by a crash. Its
      // files can only be the branch's own, half written, and git would refuse to overwrite them.
      const force = checkedOut ? [] : ["--force"]
      const start = yield* startOf(dir, branch, defaultBranch)
      if (start.local) {
        yield* run(git({ cwd: dir, args: ["checkout", "--quiet", ...force, branch] }))
      } else {
        yield* run(git({ cwd: dir, args: ["checkout", "--quiet", ...force, "--no-track", "-b", branch, start.ref] }))
      }
      return branch
    })

    /**
     * Where `agent/<id>` is taken from: the local branch if there is one (it has the latest commits), else
     * the pushed branch (a crash lost the workspace after a push), else the default branch.
     */
    const startOf = Effect.fnUntraced(function* (dir: string, branch: string, defaultBranch: string) {
      if (yield* hasRef(dir, `refs/heads/${branch}`)) return { ref: `refs/heads/${branch}`, local: true }
      const remote = (yield* hasRef(dir, `refs/remotes/origin/${branch}`)) ? branch : defaultBranch
      if (!(yield* hasRef(dir, `refs/remotes/origin/${remote}`))) {
        return yield* new GitBranchNotFound({ branch: remote, url: yield* originUrl(dir) })
      }
      return { ref: `refs/remotes/origin/${remote}`, local: false }
    })

    /** The commit `checkoutBranch` will put the workspace on. */
    const branchStart = Effect.fn("Workspace.branchStart")(function* (id: TicketId, defaultBranch: string) {
      const dir = yield* existing(id)
      const start = yield* startOf(dir, branchName(id), defaultBranch)
      return yield* run(git({ cwd: dir, args: ["rev-parse", `${start.ref}^{commit}`] }))
    })

    /**
     * The agent works in this clone too and may have switched branches; its changes travel with the
     * checkout (git refuses if they would be overwritten), so they are committed where they are pushed from.
     */
    const backOnBranch = Effect.fnUntraced(function* (dir: string, branch: string) {
      const current = yield* run(runGit({ cwd: dir, args: ["symbolic-ref", "--quiet", "--short", "HEAD"] }))
      if (current.exitCode === 0 && current.stdout.trim() === branch) return
      const create = (yield* hasRef(dir, `refs/heads/${branch}`)) ? [] : ["-b"]
      yield* run(git({ cwd: dir, args: ["checkout", "--quiet", ...create, branch] }))
    })

    /** Adds `line` to a file of the clone's own settings (under .git/info) unless it is there already. */
    const addLineOnce = Effect.fnUntraced(function* (file: string, line: string) {
      const current = (yield* exists(file)) ? yield* fs.readFileString(file).pipe(Effect.orDie) : ""
      if (current.split("\n").includes(line)) return
      yield* fs.makeDirectory(path.dirname(file), { recursive: true }).pipe(Effect.orDie)
      const separator = current === "" || current.endsWith("\n") ? "" : "\n"
      yield* fs.writeFileString(file, `${current}${separator}${line}\n`).pipe(Effect.orDie)
    })

    /** Copies the configured env file in as `.env` and tells git to ignore it, in this clone only. */
    const copyEnvFile = Effect.fn("Workspace.copyEnvFile")(function* (id: TicketId) {
      const dir = yield* existing(id)
      if (Option.isNone(config.envFile)) return false
      const source = config.envFile.value
      yield* fs.copyFile(source, path.join(dir, envFileName)).pipe(
        Effect.mapError(() => new EnvFileNotFound({ path: source })),
      )
      yield* addLineOnce(path.join(dir, ".git", "info", "exclude"), `/${envFileName}`)
      return true
    })

    const head = Effect.fn("Workspace.head")(function* (id: TicketId) {
      return yield* run(git({ cwd: yield* existing(id), args: ["rev-parse", "HEAD"] }))
    })

    /** PREPARE_ENV's part: clone (or reuse), branch, env file. Safe to run again after any crash. */
    const prepare = Effect.fn("Workspace.prepare")(function* (input: PrepareInput) {
      return yield* settle(input, yield* clone(input))
    })

    /**
     * The files of `commit` as a tar under `prefix/`, read from the clone's history (so it can be sent while
     * `checkoutBranch` writes the same files), as a checkout writes them: the same filters and line
     * endings, modes after this process's umask, and every file, whatever `export-ignore` or `export-subst`
     * say. `done` fails when git did, which leaves the tar cut short.
     */
    const archive = Effect.fn("Workspace.archive")(function* (id: TicketId, commit: string, prefix: string) {
      const dir = yield* existing(id)
      yield* addLineOnce(path.join(dir, ".git", "info", "attributes"), exportAsCheckedOut)
      const umask = `0${Deno.umask().toString(8)}`
      return yield* Effect.provideService(
        gitStream({
          cwd: dir,
          args: ["-c", `tar.umask=${umask}`, "archive", "--format=tar", `--prefix=${prefix}/`, commit],
        }),
        CommandExecutor,
        executor,
      )
    })

    /** What `prepare` does after the clone: the branch checked out, the env file copied in. */
    const settle = Effect.fn("Workspace.settle")(function* (input: PrepareInput, cloned: Cloned) {
      const branch = yield* checkoutBranch(input.id, input.defaultBranch)
      yield* copyEnvFile(input.id)
      return { path: cloned.path, branch, head: yield* head(input.id), reused: cloned.reused } satisfies Prepared
    })

    const hasUncommittedChanges = Effect.fn("Workspace.hasUncommittedChanges")(function* (id: TicketId) {
      const dir = yield* existing(id)
      const status = yield* run(git({
        cwd: dir,
        args: ["status", "--porcelain", "--untracked-files=all", "--", ...allButEnv],
      }))
      return status !== ""
    })

    /** Commits everything but the env file as the configured author; false when there was nothing to commit. */
    const commitAll = Effect.fn("Workspace.commitAll")(function* (id: TicketId, message: string) {
      const dir = yield* existing(id)
      yield* backOnBranch(dir, branchName(id))
      yield* run(git({ cwd: dir, args: ["add", "--all", "--", ":/"] }))
      // Excluded from `add` git would refuse an ignored path; unstaging covers a repository that tracks one.
      yield* run(git({ cwd: dir, args: ["reset", "--quiet", "--", `:/${envFileName}`] }))
      const staged = yield* run(runGit({ cwd: dir, args: ["diff", "--cached", "--quiet"] }))
      if (staged.exitCode === 0) return false
      if (staged.exitCode !== 1) {
        return yield* new GitFailed({
          command: "git diff --cached",
          exitCode: staged.exitCode,
          stderrTail: staged.stderr,
        })
      }
      const { authorName, authorEmail } = config.git
      yield* run(git({
        cwd: dir,
        // Signing would use the user's key for devvy's commits, and may wait on a pinentry nobody sees.
        args: ["-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "--message", message],
        env: {
          GIT_AUTHOR_NAME: authorName,
          GIT_AUTHOR_EMAIL: authorEmail,
          GIT_COMMITTER_NAME: authorName,
          GIT_COMMITTER_EMAIL: authorEmail,
        },
      }))
      return true
    })

    /** How many commits `agent/<id>` has that the default branch, as last fetched, does not. */
    const commitsAhead = Effect.fn("Workspace.commitsAhead")(function* (id: TicketId, defaultBranch: string) {
      const dir = yield* existing(id)
      const range = `refs/remotes/origin/${defaultBranch}..HEAD`
      return Number(yield* run(git({ cwd: dir, args: ["rev-list", "--count", range] })))
    })

    /** Pushes `agent/<id>`; pushing what the remote already has succeeds and changes nothing. */
    const push = Effect.fn("Workspace.push")(function* (id: TicketId, auth: GitAuth) {
      const dir = yield* existing(id)
      const branch = branchName(id)
      yield* Effect.annotateCurrentSpan("devvy.ticket", id)
      yield* run(remoteGit({
        cwd: dir,
        url: yield* originUrl(dir),
        auth,
        args: ["push", "--quiet", "origin", `refs/heads/${branch}:refs/heads/${branch}`],
      }))
    })

    /** Folders a build made read-only (Go's module cache does) cannot be emptied until they are writable again. */
    const makeWritable = Effect.fnUntraced(function* (dir: string) {
      const entries = yield* fs.readDirectory(dir, { recursive: true }).pipe(Effect.orElseSucceed(() => []))
      for (const entry of [dir, ...entries.map((e) => path.join(dir, e))]) {
        const info = yield* fs.stat(entry).pipe(Effect.option)
        if (Option.isSome(info) && info.value.type === "Directory") {
          yield* fs.chmod(entry, (info.value.mode & 0o7777) | 0o700).pipe(Effect.ignore)
        }
      }
    })

    const remove = Effect.fn("Workspace.delete")(function* (id: TicketId) {
      const dir = dirOf(id)
      yield* fs.remove(dir, { recursive: true, force: true }).pipe(
        Effect.orElse(() => Effect.zipRight(makeWritable(dir), fs.remove(dir, { recursive: true, force: true }))),
        Effect.orDie,
      )
      if (yield* exists(paths.workspaces)) yield* removePartialClones(id)
    })

    return {
      path: dirOf,
      clone,
      checkoutBranch,
      branchStart,
      settle,
      archive,
      copyEnvFile,
      prepare,
      hasUncommittedChanges,
      commitAll,
      commitsAhead,
      push,
      head,
      delete: remove,
    } as const
  }),
}) {}
