import { Effect, Layer, Option, Ref } from "effect"
import {
  Forge,
  Identity,
  PullRequest,
  type PullRequestChecks,
  Repository,
  ReviewComment,
  ReviewThread,
} from "../../src/services/forge/Forge.ts"

export const devvyIdentity = new Identity({ id: "devvy-id", name: "devvy" })

export const comment = (id: string, name: string, content: string, isOwn = false) =>
  new ReviewComment({ id, author: new Identity({ id: `${name}-id`, name }), content, publishedAt: new Date(0), isOwn })

export const thread = (
  id: string,
  comments: ReadonlyArray<ReviewComment>,
  extra: Partial<{ status: string; isSystem: boolean; filePath: string; line: number }> = {},
) =>
  new ReviewThread({
    id,
    status: extra.status ?? "active",
    isSystem: extra.isSystem ?? false,
    filePath: Option.fromNullable(extra.filePath),
    line: Option.fromNullable(extra.line),
    comments,
  })

/**
 * An in-memory forge for tests of the logic above the port: threads live in a Ref, replies are
 * appended as devvy's own comments and counted. The real adapters are tested against the emulator.
 */
export const makeMemoryForge = (initial: ReadonlyArray<ReviewThread>) =>
  Effect.gen(function* () {
    const threads = yield* Ref.make(initial)
    const replyCalls = yield* Ref.make(0)
    const checks = yield* Ref.make<PullRequestChecks>({ headSha: "", checks: [] })
    const comments = yield* Ref.make<ReadonlyArray<string>>([])
    const pr = new PullRequest({
      number: 1,
      url: "mem://pr/1",
      status: "active",
      title: "t",
      sourceBranch: "b",
      targetBranch: "main",
    })
    const forge: Forge["Type"] = {
      kind: "local",
      identity: Effect.succeed(devvyIdentity),
      repository: Effect.succeed(new Repository({ name: "r", defaultBranch: "main", cloneUrl: "", webUrl: "" })),
      findPullRequest: () => Effect.succeed(Option.some(pr)),
      createPullRequest: () => Effect.succeed(pr),
      pullRequest: () => Effect.succeed(pr),
      threads: () => Ref.get(threads),
      reply: (_pr, threadId, content) =>
        Effect.gen(function* () {
          yield* Ref.update(replyCalls, (n) => n + 1)
          const all = yield* Ref.get(threads)
          const target = all.find((t) => t.id === threadId)
          const id = String((target?.comments.length ?? 0) + 1)
          yield* Ref.set(
            threads,
            all.map((t) =>
              t.id === threadId
                ? new ReviewThread({ ...t, comments: [...t.comments, comment(id, "devvy", content, true)] })
                : t
            ),
          )
          return id
        }),
      setThreadStatus: () => Effect.void,
      checks: () => Ref.get(checks),
      comment: (_pr, content) =>
        Ref.modify(comments, (all) => [`comment-${all.length + 1}`, [...all, content]] as const),
      gitAuthHeader: Option.none(),
    }
    return { forge, layer: Layer.succeed(Forge, forge), threads, replyCalls, checks, comments }
  })
