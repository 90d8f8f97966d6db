/** The local forge's git: reading the repository, and merging a pull request without harming a checkout. */
import type { CommandExecutor } from "@effect/platform/CommandExecutor"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { failed, git, runGit } from "../../workspace/git.ts"
import type { GitFailed } from "../../workspace/WorkspaceError.ts"
import { Identity } from "../Forge.ts"
import { MergeBlocked, MergeConflict } from "./LocalForgeError.ts"

export const hasBranch = (repository: string, branch: string) =>
  runGit({ cwd: repository, args: ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`] }).pipe(
    Effect.map((output) => output.exitCode === 0),
  )

/** The branch HEAD names (the checked-out one in a working repository); none when it is not a repository. */
export const headBranch = (repository: string) =>
  runGit({ cwd: repository, args: ["symbolic-ref", "--quiet", "--short", "HEAD"] }).pipe(
    Effect.map((output) => output.exitCode === 0 ? Option.some(output.stdout.trim()) : Option.none<string>()),
    Effect.catchAll(() => Effect.succeed(Option.none<string>())),
  )

/** The person reviewing on this machine: git's user.name, else $USER. Never devvy's own identity. */
export const reviewer = (repository: string) =>
  Effect.gen(function* () {
    const configured = yield* runGit({ cwd: repository, args: ["config", "--get", "user.name"] }).pipe(
      Effect.map((output) => output.stdout.trim()),
      Effect.orElseSucceed(() => ""),
    )
    const user = yield* Config.string("USER").pipe(
      Config.withDefault("reviewer"),
      Effect.orElseSucceed(() => "reviewer"),
    )
    const name = configured !== "" ? configured : user
    const email = yield* runGit({ cwd: repository, args: ["config", "--get", "user.email"] }).pipe(
      Effect.map((output) => output.stdout.trim()),
      Effect.orElseSucceed(() => ""),
    )
    return {
      identity: new Identity({ id: `reviewer:${name}`, name }),
      email: email !== "" ? email : `${user}@localhost`,
    }
  })

/** The worktree that has `branch` checked out, if any: git refuses to move it under the user's files. */
const checkedOutAt = (repository: string, branch: string) =>
  git({ cwd: repository, args: ["worktree", "list", "--porcelain"] }).pipe(
    Effect.map((listing) => {
      const entries = listing.split("\n\n").map((entry) => entry.split("\n"))
      const entry = entries.find((lines) => lines.includes(`branch refs/heads/${branch}`))
      const worktree = entry?.find((line) => line.startsWith("worktree "))
      return Option.fromNullable(worktree?.slice("worktree ".length))
    }),
  )

export interface MergeInput {
  readonly repository: string
  readonly source: string
  readonly target: string
  readonly message: string
  readonly author: { readonly name: string; readonly email: string }
}

/**
 * Merges `source` into `target` as completing a pull request does, with a merge commit. The commit is
 * built with `merge-tree --write-tree` (git ≥ 2.38), which needs no work tree, so a conflict touches
 * nothing. Then the branch moves: by compare-and-swap `update-ref` when no work tree shows it, or by a
 * fast-forward `git merge --ff-only` inside the work tree that has it checked out, so the user's files and
 * index follow the branch (and git refuses rather than overwrite their uncommitted changes).
 * A source already contained in the target counts as merged, which makes a retried approval safe.
 */
export const merge = (
  input: MergeInput,
): Effect.Effect<string, MergeConflict | MergeBlocked | GitFailed, CommandExecutor> =>
  Effect.gen(function* () {
    const { repository, source, target } = input
    const sha = (ref: string) => git({ cwd: repository, args: ["rev-parse", "--verify", `refs/heads/${ref}^{commit}`] })
    const sourceId = yield* sha(source)
    const targetId = yield* sha(target)
    const contained = yield* runGit({ cwd: repository, args: ["merge-base", "--is-ancestor", sourceId, targetId] })
    if (contained.exitCode === 0) return targetId
    const tree = yield* runGit({
      cwd: repository,
      args: ["merge-tree", "--write-tree", "--name-only", targetId, sourceId],
    })
    if (tree.exitCode === 1) {
      const [, ...files] = tree.stdout.trim().split("\n\n")[0].split("\n")
      return yield* new MergeConflict({ repository, source, target, files })
    }
    if (tree.exitCode !== 0) return yield* failed({ cwd: repository, args: ["merge-tree"] }, tree)
    const env = {
      GIT_AUTHOR_NAME: input.author.name,
      GIT_AUTHOR_EMAIL: input.author.email,
      GIT_COMMITTER_NAME: input.author.name,
      GIT_COMMITTER_EMAIL: input.author.email,
    }
    const treeId = tree.stdout.trim().split("\n")[0]
    const commit = yield* git({
      cwd: repository,
      args: ["commit-tree", treeId, "-p", targetId, "-p", sourceId, "-m", input.message],
      env,
    })
    const worktree = yield* checkedOutAt(repository, target)
    if (Option.isNone(worktree)) {
      yield* git({ cwd: repository, args: ["update-ref", `refs/heads/${target}`, commit, targetId] })
      return commit
    }
    const forward = yield* runGit({ cwd: worktree.value, args: ["merge", "--ff-only", "--quiet", commit], env })
    if (forward.exitCode !== 0) {
      return yield* new MergeBlocked({ worktree: worktree.value, target, detail: forward.stderr.trim() })
    }
    return commit
  }).pipe(Effect.withSpan("LocalForge.merge"))
