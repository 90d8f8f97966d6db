/** Pull requests, their review comments and reviews (reference §1.2–§1.8). */
import { resolveRef, runGit } from "../git_server/git.ts"
import { apiError, BODY_LIMIT, bodyTooLong, json, notFound, validationFailed } from "./http.ts"
import type { PullRecord } from "./model.ts"
import { pullJson, reviewCommentJson, reviewJson } from "./payloads.ts"
import { applyEdits, field, type RepoRequest, sinceOf, textField } from "./rest.ts"
import { isPull } from "./state.ts"

const DOCS = "https://docs.github.com/rest/pulls"
const CREATE_DOCS = `${DOCS}/pulls#create-a-pull-request`

const render = async (context: RepoRequest, pr: PullRecord, full: boolean) => {
  await context.state.refresh(pr)
  const baseSha = await resolveRef(context.repo.bareDir, `refs/heads/${pr.pull.baseRef}`) ?? ""
  return pullJson(context.urls, context.repo, pr, baseSha, full)
}

const create = async (context: RepoRequest): Promise<Response> => {
  const { state, repo, body, viewer } = context
  const title = textField(body, "title")
  const head = textField(body, "head")
  const base = textField(body, "base")
  const text = textField(body, "body") ?? ""
  const missing = [["title", title], ["head", head], ["base", base]].filter(([, v]) => v === undefined || v === "")
  if (missing.length > 0) {
    return validationFailed(
      missing.map(([name]) => ({ resource: "PullRequest", code: "missing_field", field: String(name) })),
      CREATE_DOCS,
    )
  }
  if (title === undefined || head === undefined || base === undefined) return notFound()
  if (text.length > BODY_LIMIT) return bodyTooLong("Issue", CREATE_DOCS)
  const colon = head.indexOf(":")
  const headOwner = colon < 0 ? repo.owner : head.slice(0, colon)
  const headRef = colon < 0 ? head : head.slice(colon + 1)
  const headSha = await resolveRef(repo.bareDir, `refs/heads/${headRef}`)
  const baseSha = await resolveRef(repo.bareDir, `refs/heads/${base}`)
  if (baseSha === undefined) {
    return validationFailed([{ resource: "PullRequest", field: "base", code: "invalid" }], CREATE_DOCS)
  }
  // The emulator has no forks: a head in another owner's repository does not exist.
  if (headOwner.toLowerCase() !== repo.owner.toLowerCase() || headSha === undefined) {
    return validationFailed([{ resource: "PullRequest", field: "head", code: "invalid" }], CREATE_DOCS)
  }
  const open = state.issues.filter(isPull).find((pr) =>
    pr.repoId === repo.id && pr.state === "open" && pr.pull.headRef === headRef && pr.pull.baseRef === base
  )
  if (open !== undefined) {
    return validationFailed([{
      resource: "PullRequest",
      code: "custom",
      message: `A pull request already exists for ${repo.owner}:${headRef}.`,
    }], CREATE_DOCS)
  }
  const ahead = await runGit(repo.bareDir, ["rev-list", "--count", `${baseSha}..${headSha}`])
  if (ahead.stdout.trim() === "0") {
    return validationFailed(
      [{ resource: "PullRequest", code: "custom", message: `No commits between ${base} and ${headRef}` }],
      CREATE_DOCS,
    )
  }
  const issue = state.addIssue(repo, {
    title,
    body: text,
    author: viewer,
    pull: {
      headRef,
      baseRef: base,
      headSha,
      draft: field(body, "draft") === true,
      mergedAt: null,
      mergeCommitSha: null,
      mergedBy: null,
      mergeableKnown: false,
    },
  })
  if (!isPull(issue)) return notFound()
  return json(201, await render(context, issue, true), {
    location: `${context.urls.api}/repos/${repo.owner}/${repo.name}/pulls/${issue.number}`,
  })
}

export const handlePulls = async (context: RepoRequest): Promise<Response> => {
  const { state, urls, url, method, repo, tail, body, viewer } = context
  const pulls = state.issues.filter(isPull).filter((pr) => pr.repoId === repo.id)

  if (tail.length === 1 && method === "GET") {
    const wanted = url.searchParams.get("state") ?? "open"
    const base = url.searchParams.get("base")
    const head = url.searchParams.get("head")
    // Only `owner:branch` filters; a bare branch name is silently ignored, as on GitHub (§1.3).
    const byHead = head !== null && head.includes(":") ? head.split(":") : undefined
    const found = pulls.filter((pr) =>
      (wanted === "all" || pr.state === wanted) && (base === null || pr.pull.baseRef === base) &&
      (byHead === undefined ||
        byHead[0].toLowerCase() === repo.owner.toLowerCase() && byHead.slice(1).join(":") === pr.pull.headRef)
    )
    const ascending = url.searchParams.get("direction") === "asc"
    const rendered = []
    for (const pr of ascending ? found : found.toReversed()) rendered.push(await render(context, pr, false))
    return context.list(rendered)
  }
  if (tail.length === 1 && method === "POST") return await create(context)

  if (tail[1] === "comments" && tail.length === 3 && method === "GET") {
    const comment = state.reviewComments.find((c) => c.repoId === repo.id && String(c.id) === tail[2])
    const pr = pulls.find((p) => p.number === comment?.number)
    return comment === undefined || pr === undefined
      ? notFound(`${DOCS}/comments#get-a-review-comment-for-a-pull-request`)
      : json(200, reviewCommentJson(urls, repo, comment, await state.anchor(pr, comment)))
  }
  const pr = pulls.find((p) => String(p.number) === tail[1])
  if (pr === undefined) return notFound(`${DOCS}/pulls#get-a-pull-request`)
  const rest = tail.slice(2)

  if (rest.length === 0 && method === "GET") {
    const answer = json(200, await render(context, pr, true))
    // The first read after a change finds mergeability still being computed (§1.4); the next one knows.
    pr.pull.mergeableKnown = pr.state === "open"
    return answer
  }
  if (rest.length === 0 && method === "PATCH") {
    const wanted = applyEdits(pr, body)
    // Closing freezes the head where the branch is; a merged pull request stays closed.
    if (wanted === "closed" && pr.state === "open") await state.refresh(pr)
    if (wanted !== undefined && pr.pull.mergedAt === null) state.setState(pr, wanted)
    return json(200, await render(context, pr, true))
  }
  if (rest[0] === "comments" && rest.length === 1 && method === "GET") {
    const comments = state.reviewComments.filter((c) => c.repoId === repo.id && c.number === pr.number)
      .filter(sinceOf(url))
    const rendered = []
    for (const c of comments) rendered.push(reviewCommentJson(urls, repo, c, await state.anchor(pr, c)))
    return context.list(rendered)
  }
  if (rest[0] === "comments" && rest[2] === "replies" && rest.length === 3 && method === "POST") {
    const root = state.reviewComments.find((c) =>
      c.repoId === repo.id && c.number === pr.number && String(c.id) === rest[1]
    )
    if (root === undefined) return notFound(`${DOCS}/comments#create-a-reply-for-a-review-comment`)
    // "Replies to replies are not supported" (§1.6): the id must be a thread's first comment.
    if (root.inReplyTo !== undefined) {
      return validationFailed(
        [{ resource: "PullRequestReviewComment", code: "invalid", field: "in_reply_to_id" }],
        `${DOCS}/comments#create-a-reply-for-a-review-comment`,
      )
    }
    const text = textField(body, "body")
    if (text === undefined || text === "") {
      return validationFailed(
        [{ resource: "PullRequestReviewComment", code: "missing_field", field: "body" }],
        `${DOCS}/comments#create-a-reply-for-a-review-comment`,
      )
    }
    const reply = await state.addReviewComment(pr, viewer, { body: text, replyTo: root })
    return json(201, reviewCommentJson(urls, repo, reply, await state.anchor(pr, reply)))
  }
  if (rest[0] === "reviews" && method === "GET") {
    const reviews = state.reviews.filter((r) => r.repoId === repo.id && r.number === pr.number)
    if (rest.length === 1) return context.list(reviews.map((r) => reviewJson(urls, repo, r)))
    const review = reviews.find((r) => String(r.id) === rest[1])
    if (rest.length === 2 && review !== undefined) return json(200, reviewJson(urls, repo, review))
  }
  if (rest[0] === "merge" && rest.length === 1 && method === "GET") {
    return pr.pull.mergedAt === null ? apiError(404, "Not Found") : new Response(null, { status: 204 })
  }
  return notFound()
}
