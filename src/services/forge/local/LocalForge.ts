/**
 * The local forge (SPEC §6): the repository is a folder on this machine, a pull request is the pushed
 * branch plus a record in devvy's store, and review happens through `devvy review`.
 */
import { CommandExecutor } from "@effect/platform/CommandExecutor"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as os from "node:os"
import * as path from "node:path"
import { pathToFileURL } from "node:url"
import { Forge, Identity, PullRequest, Repository, type ThreadStatus } from "../Forge.ts"
import { ForgeNotFound } from "../ForgeError.ts"
import { hasBranch, headBranch } from "./local_git.ts"
import { type LocalPullRequest, LocalPullRequests } from "./LocalPullRequests.ts"

/** Who devvy is on the local forge: its comments carry this id, so they are never taken for a review. */
export const devvyIdentity = new Identity({ id: "devvy", name: "devvy" })

/** An absolute path for a local repository given as `~/x`, a relative path or an absolute one. */
export const resolveRepositoryPath = (given: string): string =>
  path.resolve(given === "~" || given.startsWith("~/") ? path.join(os.homedir(), given.slice(1)) : given)

/** The address `devvy status` shows for a local pull request: the repository's folder, marked with its number. */
export const pullRequestUrl = (repository: string, number: number): string =>
  `${pathToFileURL(repository).href}#pull-request-${number}`

export const toPullRequest = (record: LocalPullRequest): PullRequest =>
  new PullRequest({
    number: record.number,
    url: pullRequestUrl(record.repository, record.number),
    status: record.status,
    title: record.title,
    sourceBranch: record.source_branch,
    targetBranch: record.target_branch,
  })

/** Thread ids are the store's row ids; anything else names no thread (0 matches no row). */
const threadNumber = (threadId: string): number => /^[1-9][0-9]{0,15}$/.test(threadId) ? Number(threadId) : 0

export const makeLocalForge = Effect.fn("LocalForge.make")(function* (repositoryPath: string) {
  const records = yield* LocalPullRequests
  const executor = yield* CommandExecutor
  const repository = resolveRepositoryPath(repositoryPath)
  const webUrl = pathToFileURL(repository).href
  const inRepository = <A, E>(effect: Effect.Effect<A, E, CommandExecutor>) =>
    Effect.provideService(effect, CommandExecutor, executor)

  const notFound = (what: string) => new ForgeNotFound({ what, url: repository })
  const branchMustExist = (branch: string) =>
    inRepository(hasBranch(repository, branch)).pipe(
      Effect.orElseSucceed(() => false),
      Effect.filterOrFail((exists) => exists, () => notFound(`the branch ${branch}`)),
    )
  const record = (number: number) =>
    Effect.flatMap(
      records.get(number),
      Option.match({ onNone: () => Effect.fail(notFound(`pull request ${number}`)), onSome: Effect.succeed }),
    )

  const repositoryInfo = Effect.gen(function* () {
    const head = yield* inRepository(headBranch(repository))
    if (Option.isNone(head)) return yield* notFound("a git repository")
    const name = path.basename(repository).replace(/\.git$/, "")
    return new Repository({ name, defaultBranch: head.value, cloneUrl: repository, webUrl })
  }).pipe(Effect.withSpan("LocalForge.repository"))

  return Forge.of({
    kind: "local",
    identity: Effect.succeed(devvyIdentity),
    repository: repositoryInfo,
    findPullRequest: Effect.fn("LocalForge.findPullRequest")(function* (sourceBranch: string) {
      return Option.map(yield* records.findActive(repository, sourceBranch), toPullRequest)
    }),
    createPullRequest: Effect.fn("LocalForge.createPullRequest")(function* (input) {
      yield* branchMustExist(input.sourceBranch)
      yield* branchMustExist(input.targetBranch)
      return toPullRequest(yield* records.create({ repository, ...input }))
    }),
    pullRequest: Effect.fn("LocalForge.pullRequest")(function* (number: number) {
      return toPullRequest(yield* record(number))
    }),
    threads: Effect.fn("LocalForge.threads")(function* (number: number) {
      yield* record(number)
      return yield* records.threads(number, devvyIdentity.id)
    }),
    reply: Effect.fn("LocalForge.reply")(function* (number: number, threadId: string, content: string) {
      const added = yield* records.addComment(number, threadNumber(threadId), devvyIdentity, content)
      return yield* Option.match(added, {
        onNone: () => Effect.fail(notFound(`thread ${threadId} of pull request ${number}`)),
        onSome: Effect.succeed,
      })
    }),
    setThreadStatus: Effect.fn("LocalForge.setThreadStatus")(
      function* (number: number, threadId: string, status: ThreadStatus) {
        const updated = yield* records.setThreadStatus(number, threadNumber(threadId), status)
        if (!updated) return yield* notFound(`thread ${threadId} of pull request ${number}`)
      },
    ),
    // No CI runs on the local forge: the repository's scripts in VALIDATE are all the checks there are.
    checks: () => Effect.succeed({ headSha: "", checks: [] }),
    comment: Effect.fn("LocalForge.comment")(function* (number: number, content: string) {
      yield* record(number)
      return yield* records.addThread(number, {
        author: devvyIdentity,
        content,
        filePath: Option.none(),
        line: Option.none(),
      })
    }),
    gitAuthHeader: Option.none(),
  })
})

export const LocalForge = {
  /** The Forge for the repository at `repositoryPath`. */
  layer: (repositoryPath: string): Layer.Layer<Forge, never, LocalPullRequests | CommandExecutor> =>
    Layer.effect(Forge, makeLocalForge(repositoryPath)),
}
