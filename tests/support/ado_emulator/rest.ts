/** The REST endpoints devvy calls, with Azure DevOps' payloads, status codes and error bodies. */
import {
  commentJson,
  commentTypeOf,
  errorBody,
  pullRequestJson,
  repoJson,
  type ThreadContext,
  threadJson,
  threadStatusOf,
} from "./model.ts"
import { resolveRef, runGit } from "../git_server/git.ts"
import { handleWorkItems } from "./work_items.ts"
import type { EmulatorState } from "./state.ts"
import { handlePipelines, mergeCommits } from "./pipelines_rest.ts"
import { handleStatuses, statusesOf } from "./statuses.ts"

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8; api-version=7.1", ...headers },
  })

const fail = (status: number, message: string, typeKey: string) => json(status, errorBody(message, typeKey))

const list = (value: ReadonlyArray<unknown>) => json(200, { count: value.length, value })

const record = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {}

const text = (value: unknown): string | undefined => typeof value === "string" ? value : undefined

const threadContextOf = (value: unknown): ThreadContext | null => {
  const context = record(value)
  const filePath = text(context.filePath)
  if (filePath === undefined) return null
  const position = (p: unknown) => {
    const { line, offset } = record(p)
    return typeof line === "number" ? { line, offset: typeof offset === "number" ? offset : 1 } : undefined
  }
  const start = position(context.rightFileStart)
  const end = position(context.rightFileEnd)
  return { filePath, ...(start ? { rightFileStart: start } : {}), ...(end ? { rightFileEnd: end } : {}) }
}

const notFound = {
  project: (name: string) =>
    fail(404, `TF200016: The following project does not exist: ${name}.`, "ProjectDoesNotExistWithNameException"),
  repo: (name: string) =>
    fail(
      404,
      `TF401019: The Git repository with name or identifier ${name} does not exist or you do not have permissions for the operation you are attempting.`,
      "GitRepositoryNotFoundException",
    ),
  pullRequest: () =>
    fail(404, "TF401180: The requested pull request was not found.", "GitPullRequestNotFoundException"),
  thread: (id: string) => fail(404, `The thread ${id} was not found.`, "CommentThreadNotFoundException"),
  route: () => fail(404, "The controller for the requested path was not found.", "ControllerNotFoundException"),
}

/**
 * Answers `{org}/…` after authentication; `rest` holds the decoded path segments after the organization.
 * Fixed words match case-insensitively, as Azure DevOps' routes do.
 */
export const handleRest = async (
  state: EmulatorState,
  request: Request,
  rest: ReadonlyArray<string>,
  body: unknown,
): Promise<Response> => {
  const url = new URL(request.url)
  const apiVersion = url.searchParams.get("api-version")
  const words = rest.map((s) => s.toLowerCase())
  const method = request.method

  if (words[0] === "_apis" && words[1] === "connectiondata" && words.length === 2) {
    if (apiVersion === "7.1") {
      return fail(
        400,
        'The requested version "7.1" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "7.1-preview"',
        "VssInvalidPreviewVersionException",
      )
    }
    return json(200, {
      authenticatedUser: { id: state.owner.id, providerDisplayName: state.owner.displayName, isActive: true },
      authorizedUser: { id: state.owner.id, providerDisplayName: state.owner.displayName, isActive: true },
      instanceId: state.scope.projectId,
      deploymentType: "hosted",
    })
  }
  if (apiVersion === null && method !== "GET") {
    return fail(
      400,
      "No api-version was supplied for the request. An api-version must be supplied.",
      "VssVersionNotSpecifiedException",
    )
  }

  const project = rest[0]
  if (
    project === undefined ||
    (project.toLowerCase() !== state.scope.projectName.toLowerCase() && project !== state.scope.projectId)
  ) return notFound.project(project ?? "")
  if (words[1] === "_apis" && (words[2] === "policy" || words[2] === "build")) {
    return await handlePipelines(state, request, words.slice(2)) ?? notFound.route()
  }
  if (words[1] !== "_apis") return notFound.route()
  const scope = state.scope

  if (words[2] === "wit") {
    return handleWorkItems(state, request, words.slice(3), body, (status, value) => json(status, value), state.owner) ??
      notFound.route()
  }

  if (words[2] !== "git") return notFound.route()
  // The project-wide form: {project}/_apis/git/pullrequests/{id}.
  if (words[3] === "pullrequests" && words.length === 5 && method === "GET") {
    const pr = state.pullRequest(Number(rest[4]))
    const repo = pr && state.repos.find((r) => r.id === pr.repoId)
    return pr && repo ? json(200, pullRequestJson(scope, repo, pr)) : notFound.pullRequest()
  }
  if (words[3] !== "repositories" || rest[4] === undefined) return notFound.route()
  const repo = state.findRepo(rest[4])
  if (repo === undefined) return notFound.repo(rest[4])
  const tail = words.slice(5)

  if (tail.length === 0 && method === "GET") return json(200, repoJson(scope, repo, await state.defaultBranch(repo)))

  if (tail[0] === "refs" && tail.length === 1 && method === "GET") {
    const filter = `refs/${url.searchParams.get("filter") ?? ""}`
    const out = await runGit(repo.bareDir, ["for-each-ref", "--format=%(refname) %(objectname)"])
    const refs = out.stdout.split("\n").filter((l) => l !== "").map((l) => l.split(" "))
      .filter(([name]) => name.startsWith(filter))
      .map(([name, objectId]) => ({ name, objectId }))
    return list(refs)
  }

  if (tail[0] !== "pullrequests") return notFound.route()

  if (tail.length === 1 && method === "GET") {
    const source = url.searchParams.get("searchCriteria.sourceRefName")
    const target = url.searchParams.get("searchCriteria.targetRefName")
    const status = url.searchParams.get("searchCriteria.status") ?? "active"
    const found = state.pullRequests.filter((pr) =>
      pr.repoId === repo.id && (source === null || pr.sourceRefName === source) &&
      (target === null || pr.targetRefName === target) && (status === "all" || pr.status === status)
    )
    if (state.staleListings > 0) {
      state.staleListings--
      return list([])
    }
    return list(found.toReversed().map((pr) => pullRequestJson(scope, repo, pr, true)))
  }

  if (tail.length === 1 && method === "POST") {
    const input = record(body)
    const sourceRefName = text(input.sourceRefName)
    const targetRefName = text(input.targetRefName)
    const title = text(input.title)
    const description = text(input.description) ?? ""
    if (!sourceRefName?.startsWith("refs/") || !targetRefName?.startsWith("refs/") || !title) {
      return fail(
        400,
        "The sourceRefName, targetRefName and title are required; refs must be full (refs/heads/…).",
        "InvalidArgumentValueException",
      )
    }
    if (description.length > 4000) {
      return fail(400, "The description must be at most 4000 characters.", "InvalidArgumentValueException")
    }
    for (const ref of [sourceRefName, targetRefName]) {
      if (await resolveRef(repo.bareDir, ref) === undefined) {
        return fail(
          404,
          "TF401398: The pull request cannot be activated because the source and/or the target branch no longer exists, or the requested refs are not branches",
          "GitPullRequestCannotBeActivated",
        )
      }
    }
    const duplicate = state.pullRequests.some((pr) =>
      pr.repoId === repo.id && pr.status === "active" && pr.sourceRefName === sourceRefName &&
      pr.targetRefName === targetRefName
    )
    if (duplicate) {
      return fail(
        409,
        "TF401179: An active pull request for the source and target branch already exists.",
        "GitPullRequestExistsException",
      )
    }
    const workItemRefs = Array.isArray(input.workItemRefs) ? input.workItemRefs.map((w) => String(record(w).id)) : []
    const pr = state.createPullRequest(repo, {
      sourceRefName,
      targetRefName,
      title,
      description,
      isDraft: input.isDraft === true,
      createdBy: state.owner,
      workItemRefs,
    })
    // Azure DevOps links each referenced work item back to the pull request.
    for (const id of workItemRefs) {
      state.workItem(Number(id))?.relations.push({
        rel: "ArtifactLink",
        url: `vstfs:///Git/PullRequestId/${scope.projectId}%2F${repo.id}%2F${pr.pullRequestId}`,
        attributes: { name: "Pull Request" },
      })
    }
    // The pull request's first iteration is its source branch as it was created.
    await statusesOf(state).sync(pr)
    return json(201, pullRequestJson(scope, repo, pr))
  }

  const pr = state.pullRequest(Number(rest[6]))
  if (pr === undefined || pr.repoId !== repo.id) return notFound.pullRequest()
  const prTail = tail.slice(2)

  if (prTail.length === 0 && method === "GET") {
    return json(200, { ...pullRequestJson(scope, repo, pr), ...await mergeCommits(scope, repo, pr) })
  }
  if (prTail.length === 0 && method === "PATCH") {
    const input = record(body)
    const description = text(input.description)
    if (description !== undefined && description.length > 4000) {
      return fail(400, "The description must be at most 4000 characters.", "InvalidArgumentValueException")
    }
    if (description !== undefined) pr.description = description
    const title = text(input.title)
    if (title !== undefined) pr.title = title
    if (typeof input.isDraft === "boolean") pr.isDraft = input.isDraft
    const status = text(input.status)
    if (status === "abandoned" && pr.status === "active") state.abandon(pr)
    if (status === "active" && pr.status === "abandoned") pr.status = "active"
    if (status === "completed" && pr.status === "active") {
      const outcome = await state.complete(pr, state.owner)
      if (outcome._tag === "Conflicts") {
        return fail(
          409,
          `TF401181: The pull request cannot be completed: ${outcome.detail}`,
          "GitPullRequestMergeFailed",
        )
      }
    }
    return json(200, pullRequestJson(scope, repo, pr))
  }

  if (prTail[0] === "statuses" || prTail[0] === "iterations") {
    return await handleStatuses(state, request, pr, prTail, body) ?? notFound.route()
  }
  if (prTail[0] !== "threads") return notFound.route()
  if (prTail.length === 1 && method === "GET") return list(state.threadsOf(pr.pullRequestId).map(threadJson))
  if (prTail.length === 1 && method === "POST") {
    const input = record(body)
    const first = Array.isArray(input.comments) ? record(input.comments[0]) : {}
    const content = text(first.content)
    if (content === undefined) {
      return fail(400, "A thread must contain at least one comment.", "InvalidArgumentValueException")
    }
    const thread = state.addThread(pr.pullRequestId, {
      author: state.owner,
      content,
      commentType: commentTypeOf(first.commentType),
      status: threadStatusOf(input.status) ?? "active",
      threadContext: threadContextOf(input.threadContext),
    })
    return json(200, threadJson(thread))
  }

  const threadId = rest[8] ?? ""
  const thread = state.thread(pr.pullRequestId, Number(threadId))
  if (thread === undefined) return notFound.thread(threadId)
  const threadTail = prTail.slice(2)

  if (threadTail.length === 0 && method === "GET") return json(200, threadJson(thread))
  if (threadTail.length === 0 && method === "PATCH") {
    const status = threadStatusOf(record(body).status)
    if (status !== undefined) thread.status = status
    return json(200, threadJson(thread))
  }
  if (threadTail[0] === "comments" && threadTail.length === 1 && method === "GET") {
    return list(thread.comments.map(commentJson))
  }
  if (threadTail[0] === "comments" && threadTail.length === 1 && method === "POST") {
    const input = record(body)
    const content = text(input.content)
    if (content === undefined) return fail(400, "The comment has no content.", "InvalidArgumentValueException")
    const parent = typeof input.parentCommentId === "number" ? input.parentCommentId : 0
    const comment = state.addComment(thread, {
      author: state.owner,
      content,
      commentType: commentTypeOf(input.commentType),
    }, parent)
    return json(200, commentJson(comment))
  }
  return notFound.route()
}
