/**
 * One way to run git on the host: credentials through git's environment only, prompts off, English
 * messages (they are parsed), a span per command, and secrets scrubbed from everything that comes back.
 */
import * as Command from "@effect/platform/Command"
import { CommandExecutor } from "@effect/platform/CommandExecutor"
import type { PlatformError } from "@effect/platform/Error"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { GitFailed } from "./WorkspaceError.ts"

export interface GitInvocation {
  readonly cwd: string
  readonly args: ReadonlyArray<string>
  /** The `http.extraHeader` value (`Authorization: Basic …`); none for a forge without credentials. */
  readonly auth?: Option.Option<Redacted.Redacted<string>>
  /** The remote the header is for; it is scoped to that origin so no other host ever receives it. */
  readonly remote?: string
  readonly env?: Readonly<Record<string, string>>
}

export interface GitOutput {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/** Every form the PAT can take in text: the header, its base64 credential, and the decoded password. */
const secretsOf = (auth: Option.Option<Redacted.Redacted<string>>): ReadonlyArray<string> => {
  if (Option.isNone(auth)) return []
  const header = Redacted.value(auth.value)
  const token = header.replace(/^[^:]*:\s*/, "").replace(/^(Basic|Bearer)\s+/i, "")
  const secrets = [header, token]
  try {
    const decoded = atob(token)
    secrets.push(decoded, decoded.slice(decoded.indexOf(":") + 1))
  } catch {
    // Not base64 (a Bearer token): the token itself is the secret.
  }
  return secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)
}

export const scrub = (text: string, auth: Option.Option<Redacted.Redacted<string>>): string =>
  secretsOf(auth).reduce((acc, secret) => acc.replaceAll(secret, "***"), text)

/** `http.<origin>/.extraHeader` for an HTTP remote; the bare key otherwise (git ignores it for paths). */
const headerKey = (remote: string | undefined): string => {
  if (remote === undefined || !URL.canParse(remote)) return "http.extraHeader"
  const url = new URL(remote)
  if (url.protocol !== "https:" && url.protocol !== "http:") return "http.extraHeader"
  return `http.${url.protocol}//${url.host}/.extraHeader`
}

const gitEnv = (invocation: GitInvocation): Record<string, string> => {
  const env: Record<string, string> = {
    GIT_TERMINAL_PROMPT: "0",
    // An inherited askpass program (IDE terminals set one) would pop up a dialog instead of failing.
    GIT_ASKPASS: "",
    SSH_ASKPASS: "",
    LC_ALL: "C",
    LANGUAGE: "",
    GIT_CONFIG_COUNT: "0",
    ...invocation.env,
  }
  const auth = invocation.auth ?? Option.none()
  if (Option.isSome(auth)) {
    env.GIT_CONFIG_COUNT = "2"
    env.GIT_CONFIG_KEY_0 = headerKey(invocation.remote)
    env.GIT_CONFIG_VALUE_0 = Redacted.value(auth.value)
    // An empty helper list: with a PAT given, a stored credential must not stand in for a wrong one.
    env.GIT_CONFIG_KEY_1 = "credential.helper"
    env.GIT_CONFIG_VALUE_1 = ""
  }
  return env
}

const collect = <E>(stream: Stream.Stream<Uint8Array, E>) => stream.pipe(Stream.decodeText(), Stream.mkString)

const gitCommand = (invocation: GitInvocation) =>
  Command.make("git", ...invocation.args).pipe(
    Command.workingDirectory(invocation.cwd),
    Command.env(gitEnv(invocation)),
    // Closed stdin: nothing git runs for us may wait on the terminal.
    Command.stdin(Stream.empty),
  )

/** Runs git and returns what it said, whatever its exit code; only a git that cannot start is a failure. */
export const runGit = (invocation: GitInvocation): Effect.Effect<GitOutput, GitFailed, CommandExecutor> => {
  const auth = invocation.auth ?? Option.none()
  const subcommand = invocation.args.find((a) => !a.startsWith("-") && !a.includes("=")) ?? "git"
  return Effect.gen(function* () {
    const process = yield* (yield* CommandExecutor).start(gitCommand(invocation))
    const [exitCode, stdout, stderr] = yield* Effect.all(
      [process.exitCode, collect(process.stdout), collect(process.stderr)],
      { concurrency: "unbounded" },
    )
    yield* Effect.annotateCurrentSpan("git.exit_code", exitCode)
    return { exitCode, stdout: scrub(stdout, auth), stderr: scrub(stderr, auth) }
  }).pipe(
    Effect.scoped,
    Effect.mapError((error) =>
      new GitFailed({ command: `git ${subcommand}`, exitCode: -1, stderrTail: scrub(error.message, auth) })
    ),
    Effect.withSpan(`git ${subcommand}`, { attributes: { "git.command": subcommand, "git.cwd": invocation.cwd } }),
  )
}

/** The last lines of git's complaint, enough to act on without flooding a log. */
export const tail = (text: string, lines = 15): string =>
  text.trimEnd().split("\n").slice(-lines).join("\n").slice(-2000)

export const failed = (invocation: GitInvocation, output: GitOutput): GitFailed =>
  new GitFailed({
    command: scrub(`git ${invocation.args.join(" ")}`, invocation.auth ?? Option.none()),
    exitCode: output.exitCode,
    stderrTail: tail(output.stderr),
  })

/** Runs git and fails with GitFailed unless it exits 0; returns stdout, trimmed. */
export const git = (invocation: GitInvocation): Effect.Effect<string, GitFailed, CommandExecutor> =>
  Effect.flatMap(
    runGit(invocation),
    (output) => output.exitCode === 0 ? Effect.succeed(output.stdout.trim()) : Effect.fail(failed(invocation, output)),
  )

/**
 * Starts git for what it writes to stdout, handed over as it comes (for the scope's life); `done` waits
 * for git to end and fails with GitFailed unless it exited 0.
 */
export const gitStream = (invocation: GitInvocation) =>
  Effect.gen(function* () {
    const process = yield* (yield* CommandExecutor).start(gitCommand(invocation))
    const stderr = yield* Effect.forkScoped(collect(process.stderr))
    const stdout = yield* Stream.toReadableStreamEffect(process.stdout)
    const done = Effect.gen(function* () {
      const exitCode = yield* process.exitCode
      const output = { exitCode, stdout: "", stderr: yield* Fiber.join(stderr) }
      if (exitCode !== 0) return yield* Effect.fail(failed(invocation, output))
    }).pipe(Effect.mapError(asGitFailed(invocation)))
    return { stdout, done } as const
  }).pipe(Effect.mapError(asGitFailed(invocation)))

const asGitFailed = (invocation: GitInvocation) => (error: GitFailed | PlatformError): GitFailed =>
  error instanceof GitFailed ? error : new GitFailed({
    command: scrub(`git ${invocation.args.join(" ")}`, invocation.auth ?? Option.none()),
    exitCode: -1,
    stderrTail: error.message,
  })
