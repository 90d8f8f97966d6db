/** Local git repositories with commits, made with the real git binary, and the config a workspace reads. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { ConfigProvider, Effect, Layer } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { AppConfig } from "../../src/services/config/AppConfig.ts"
import { DevvyPaths } from "../../src/services/config/DevvyPaths.ts"
import { Workspace } from "../../src/services/workspace/Workspace.ts"

/** The host's git configuration (signing, hooks, templates, default branch) stays out of fixtures. */
const fixtureEnv: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_TERMINAL_PROMPT: "0",
  GIT_AUTHOR_NAME: "Fixture Author",
  GIT_AUTHOR_EMAIL: "fixture@example.invalid",
  GIT_COMMITTER_NAME: "Fixture Author",
  GIT_COMMITTER_EMAIL: "fixture@example.invalid",
}

export const gitSync = (cwd: string, args: ReadonlyArray<string>, env: Record<string, string> = {}): string => {
  const output = new Deno.Command("git", { args: [...args], cwd, env: { ...fixtureEnv, ...env }, stdin: "null" })
    .outputSync()
  const decoder = new TextDecoder()
  if (output.code !== 0) {
    throw new Error(`git ${args.join(" ")} failed (${output.code}): ${decoder.decode(output.stderr).trim()}`)
  }
  return decoder.decode(output.stdout).trim()
}

/** Runs git in a fixture repository, for assertions: stdout, trimmed. */
export const gitIn = (cwd: string, ...args: ReadonlyArray<string>) => Effect.sync(() => gitSync(cwd, args))

export const writeFiles = (dir: string, files: Readonly<Record<string, string>>): void => {
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), content)
  }
}

/** Commits `files` on the current branch of `dir`; returns the new commit's sha. */
export const commitFiles = (dir: string, files: Readonly<Record<string, string>>, message = "Change files"): string => {
  writeFiles(dir, files)
  gitSync(dir, ["add", "--all"])
  gitSync(dir, ["commit", "--quiet", "--message", message])
  return gitSync(dir, ["rev-parse", "HEAD"])
}

export interface RepoOptions {
  readonly files?: Readonly<Record<string, string>>
  readonly defaultBranch?: string
  /** A bare repository, as a server holds; otherwise a working repository with the default branch checked out. */
  readonly bare?: boolean
}

/** A repository at `dir` whose default branch holds one commit with `files`. */
export const makeRepo = (dir: string, options: RepoOptions = {}): string => {
  const branch = options.defaultBranch ?? "main"
  const files = options.files ?? { "README.md": "# fixture\n" }
  if (!options.bare) {
    fs.mkdirSync(dir, { recursive: true })
    gitSync(dir, ["init", "--quiet", "-b", branch])
    commitFiles(dir, files, "Initial commit")
    return dir
  }
  const seed = `${dir}.seed`
  makeRepo(seed, { files, defaultBranch: branch })
  gitSync(path.dirname(dir), ["clone", "--quiet", "--bare", seed, dir])
  fs.rmSync(seed, { recursive: true, force: true })
  return dir
}

/** Effect's own makeRepo, for use inside a test's generator. */
export const makeRepoIn = (dir: string, options: RepoOptions = {}) => Effect.sync(() => makeRepo(dir, options))

/** The real config loader over `settings` (environment variable name → value), with no config file. */
export const configFrom = (settings: Readonly<Record<string, string>>): Layer.Layer<AppConfig, never, DevvyPaths> =>
  AppConfig.layer.pipe(
    Layer.provide(NodeContext.layer),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(settings))))),
    Layer.orDie,
  )

/** The real Workspace over `home` as DEVVY_HOME, configured by `settings` as environment variables would. */
export const workspaceLayer = (home: string, settings: Readonly<Record<string, string>> = {}) =>
  Workspace.Default.pipe(
    Layer.provide(configFrom(settings)),
    Layer.provideMerge(DevvyPaths.at(home)),
    Layer.provideMerge(NodeContext.layer),
  )
