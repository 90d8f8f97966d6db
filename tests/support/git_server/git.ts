/** The forge emulators' bare repositories, driven with the real git binary. */
import * as fs from "node:fs"
import * as path from "node:path"

/** Keeps the host's git configuration (signing, hooks, templates) out of the emulators' repositories. */
const gitEnv = (): Record<string, string> => ({
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_AUTHOR_NAME: "Emulated Reviewer",
  GIT_AUTHOR_EMAIL: "reviewer@example.invalid",
  GIT_COMMITTER_NAME: "Emulated Forge",
  GIT_COMMITTER_EMAIL: "forge@example.invalid",
})

export interface GitResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export const runGit = async (cwd: string, args: ReadonlyArray<string>): Promise<GitResult> => {
  const output = await new Deno.Command("git", { args: [...args], cwd, env: gitEnv(), stdin: "null" }).output()
  const decoder = new TextDecoder()
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) }
}

export const git = async (cwd: string, args: ReadonlyArray<string>): Promise<string> => {
  const result = await runGit(cwd, args)
  if (result.code !== 0) throw new Error(`git ${args.join(" ")} failed (${result.code}): ${result.stderr.trim()}`)
  return result.stdout.trim()
}

/** What a seeded repository starts with: an existing repository or folder, or files to commit. */
export interface RepoSource {
  /** A git repository (its branches are copied) or a plain folder (committed as one commit). */
  readonly from?: string
  /** Files to commit on the default branch, path → content. */
  readonly files?: Readonly<Record<string, string>>
  /** Defaults to `main`. */
  readonly defaultBranch?: string
}

/** Creates the bare repository `bareDir` from `source`; with neither `from` nor `files` it stays empty. */
export const createBareRepo = async (bareDir: string, source: RepoSource): Promise<void> => {
  const branch = source.defaultBranch ?? "main"
  const parent = path.dirname(bareDir)
  if (source.from !== undefined && fs.existsSync(path.join(source.from, ".git"))) {
    await git(parent, ["clone", "--quiet", "--bare", "--no-local", source.from, bareDir])
    await git(bareDir, ["remote", "remove", "origin"])
    await git(bareDir, ["symbolic-ref", "HEAD", `refs/heads/${branch}`])
  } else if (source.from !== undefined || source.files !== undefined) {
    const work = fs.mkdtempSync(path.join(parent, "seed-"))
    try {
      if (source.from !== undefined) fs.cpSync(source.from, work, { recursive: true })
      for (const [file, content] of Object.entries(source.files ?? {})) {
        fs.mkdirSync(path.dirname(path.join(work, file)), { recursive: true })
        fs.writeFileSync(path.join(work, file), content)
      }
      await git(work, ["init", "--quiet", "-b", branch])
      await git(work, ["add", "-A"])
      await git(work, ["commit", "--quiet", "--allow-empty", "-m", "Initial commit"])
      await git(parent, ["clone", "--quiet", "--bare", "--no-local", work, bareDir])
      await git(bareDir, ["remote", "remove", "origin"])
    } finally {
      fs.rmSync(work, { recursive: true, force: true })
    }
  } else {
    await git(parent, ["init", "--quiet", "--bare", "-b", branch, bareDir])
  }
  // Pushes arrive through http-backend, which needs the repository to accept them.
  await git(bareDir, ["config", "http.receivepack", "true"])
}

export const resolveRef = async (bareDir: string, ref: string): Promise<string | undefined> => {
  const result = await runGit(bareDir, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])
  return result.code === 0 ? result.stdout.trim() : undefined
}

export type MergeOutcome =
  | { readonly _tag: "Merged"; readonly commitId: string; readonly fastForward: boolean }
  | { readonly _tag: "Conflicts"; readonly detail: string }

/**
 * Merges `source` into `target` inside the bare repository, as completing a pull request does: a
 * fast-forward when `target` is behind, otherwise a merge commit built with `merge-tree`, so no work tree
 * is needed.
 */
export const mergeBranches = async (
  bareDir: string,
  source: string,
  target: string,
  message: string,
): Promise<MergeOutcome> => {
  const sourceId = await resolveRef(bareDir, source)
  const targetId = await resolveRef(bareDir, target)
  if (sourceId === undefined || targetId === undefined) {
    return { _tag: "Conflicts", detail: `missing ${sourceId === undefined ? source : target}` }
  }
  const isAncestor = await runGit(bareDir, ["merge-base", "--is-ancestor", targetId, sourceId])
  if (isAncestor.code === 0) {
    await git(bareDir, ["update-ref", target, sourceId, targetId])
    return { _tag: "Merged", commitId: sourceId, fastForward: true }
  }
  const tree = await runGit(bareDir, ["merge-tree", "--write-tree", targetId, sourceId])
  if (tree.code !== 0) return { _tag: "Conflicts", detail: tree.stdout.trim() }
  const treeId = tree.stdout.trim().split("\n")[0]
  const commitId = await git(bareDir, ["commit-tree", treeId, "-p", targetId, "-p", sourceId, "-m", message])
  await git(bareDir, ["update-ref", target, commitId, targetId])
  return { _tag: "Merged", commitId, fastForward: false }
}
