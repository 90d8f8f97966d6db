import * as ValidationError from "@effect/cli/ValidationError"
import * as HelpDoc from "@effect/cli/HelpDoc"
import assert from "node:assert/strict"
import { Effect, Exit, FiberId } from "effect"
import { exitCodeFor, toExitCode } from "../../src/cli/exit.ts"
import { TicketFailed } from "../../src/pipeline/errors.ts"
import { TicketNotFound } from "../../src/services/store/StoreError.ts"

/**
 * Every error class devvy defines, and the exit code SPEC §2 gives it. A class added to src without a
 * line here fails the first test: its exit code is then a decision, not an accident.
 */
const expected: Readonly<Record<string, 1 | 2 | 3>> = {
  // Usage and configuration: exit 2.
  ConfigMissing: 2,
  ConfigSyntax: 2,
  ConfigInvalid: 2,
  ConfigRequired: 2,
  TicketNotFound: 2,
  UsageError: 2,
  RepoUrlInvalid: 2,
  TicketBusy: 2,
  ForgeAuthFailed: 2,
  ForgeNotFound: 2,
  NoPullRequest: 2,
  PullRequestClosed: 2,
  ReviewCommentInvalid: 2,
  SourceRefInvalid: 2,
  SourceUnreadable: 2,
  TicketForSourceExists: 2,
  // A ticket stopped on its budget: exit 3.
  BudgetExhausted: 3,
  // Everything else: exit 1.
  AgentCredentialsMissing: 1,
  AgentExited: 1,
  AgentModelError: 1,
  AgentModelInvalid: 1,
  AgentRejected: 1,
  AgentSessionNotFound: 1,
  AgentStalled: 1,
  AgentTimeout: 1,
  AgentWorkerFailed: 1,
  BuildFailed: 1,
  BuildTargetInvalid: 1,
  ContainerNotFound: 1,
  DockerApiError: 1,
  DockerConflict: 1,
  EngineTlsInvalid: 1,
  EngineUnreachable: 1,
  EngineUnsupported: 1,
  EnvFileNotFound: 1,
  ExecFailed: 1,
  ExecTimedOut: 1,
  FolderCopyFailed: 1,
  ForgeRejected: 1,
  ForgeUnavailable: 1,
  GitAuthFailed: 1,
  GitBranchNotFound: 1,
  GitFailed: 1,
  GitRepositoryNotFound: 1,
  IllegalTransition: 1,
  ImageNotFound: 1,
  MergeBlocked: 1,
  MergeConflict: 1,
  ReviewRepliesInvalid: 1,
  TicketFailed: 1,
  TicketPaused: 1,
  TicketRejected: 1,
  WorkspaceNotFound: 1,
}

type ErrorClass = new (props: object, disableValidation: boolean) => Error

const isErrorClass = (value: unknown): value is ErrorClass & { readonly _tag: string } =>
  typeof value === "function" && value.prototype instanceof Error && "_tag" in value &&
  typeof value._tag === "string"

/** The tagged error classes exported anywhere under src/, by tag. */
const errorClasses = async (): Promise<Map<string, ErrorClass>> => {
  const src = new URL("../../src/", import.meta.url)
  const found = new Map<string, ErrorClass>()
  const visit = async (dir: URL): Promise<void> => {
    for (const entry of Deno.readDirSync(dir)) {
      const url = new URL(entry.isDirectory ? `${entry.name}/` : entry.name, dir)
      if (entry.isDirectory) await visit(url)
      else if (entry.name.endsWith(".ts")) {
        const module: Record<string, unknown> = await import(url.href)
        for (const value of Object.values(module)) if (isErrorClass(value)) found.set(value._tag, value)
      }
    }
  }
  await visit(src)
  return found
}

Deno.test("every error class in src exits 2 for a usage or configuration mistake, 3 for a budget stop, 1 otherwise", async () => {
  const classes = await errorClasses()
  assert.ok(classes.size > 40, `the classes were found (${classes.size})`)
  assert.deepEqual([...classes.keys()].sort(), Object.keys(expected).sort())
  for (const [tag, ErrorClass] of classes) {
    // Validation off: the exit code depends on the class alone, never on what the error carries.
    assert.equal(exitCodeFor(new ErrorClass({}, true)), expected[tag], tag)
  }
})

Deno.test("a command-line validation error exits 2, and an untagged error or a defect exits 1", () => {
  assert.equal(exitCodeFor(ValidationError.invalidValue(HelpDoc.p("bad flag"))), 2)
  assert.equal(exitCodeFor(new Error("boom")), 1)
  assert.equal(exitCodeFor("boom"), 1)
  assert.equal(exitCodeFor({ _tag: "SomethingElse" }), 1)
})

Deno.test("the program's outcome becomes its exit code: its own on success, 2 for a usage error, 130 when interrupted", async () => {
  const code = (exit: Exit.Exit<number, unknown>) => Effect.runPromise(toExitCode(exit))
  assert.equal(await code(Exit.succeed(0)), 0)
  assert.equal(await code(Exit.fail(new TicketNotFound({ id: "abcdef" }))), 2)
  assert.equal(await code(Exit.fail(new TicketFailed({ id: "abcdef", reason: "tests failed" }))), 1)
  assert.equal(await code(Exit.interrupt(FiberId.none)), 130)
  assert.equal(await code(Exit.die(new Error("bug"))), 1)
})
