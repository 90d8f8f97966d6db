import assert from "node:assert/strict"
import * as Either from "effect/Either"
import { issueUrl, parseIssueRef, parseWorkItemRef, workItemUrl } from "../../../src/services/forge/source_ref.ts"

const hints = { orgUrl: "https://dev.azure.com/acme/", project: "My Project" }
const ok = (input: string, h: typeof hints | Record<string, never> = hints) => {
  const parsed = parseWorkItemRef(input, h)
  if (Either.isLeft(parsed)) throw new Error(parsed.left.message)
  return parsed.right
}

Deno.test("a bare work item id belongs to the configured project", () => {
  const ref = ok("42")
  assert.deepEqual([ref.orgUrl, ref.project, ref.id], ["https://dev.azure.com/acme", "My Project", 42])
  assert.equal(workItemUrl(ref), "https://dev.azure.com/acme/My%20Project/_workitems/edit/42")
})

Deno.test("a work item URL names its own organization and project, on Services and on Server", () => {
  const services = ok("https://dev.azure.com/other/Web%20Team/_workitems/edit/7/", {})
  assert.deepEqual([services.orgUrl, services.project, services.id], ["https://dev.azure.com/other", "Web Team", 7])
  const server = ok("https://tfs.example.com/tfs/DefaultCollection/proj/_workitems/edit/12?fullScreen=true")
  assert.deepEqual([server.orgUrl, server.project, server.id], [
    "https://tfs.example.com/tfs/DefaultCollection",
    "proj",
    12,
  ])
  const legacy = ok("https://acme.visualstudio.com/proj/_workitems/edit/3")
  assert.deepEqual([legacy.orgUrl, legacy.project], ["https://acme.visualstudio.com", "proj"])
})

Deno.test("anything else is refused with what was expected", () => {
  for (
    const input of [
      "0",
      "-3",
      "abc",
      "https://dev.azure.com/acme/proj/_git/web",
      "https://dev.azure.com/_workitems/edit/3",
    ]
  ) {
    assert.ok(Either.isLeft(parseWorkItemRef(input, hints)), input)
  }
  const noProject = parseWorkItemRef("42", {})
  assert.ok(Either.isLeft(noProject) && /ado\.org_url and ado\.project/.test(noProject.left.message))
})

const github = { apiUrl: "https://api.github.com", repository: { owner: "acme", repo: "web" } }
const issue = (input: string, hints: Parameters<typeof parseIssueRef>[1] = github) => {
  const parsed = parseIssueRef(input, hints)
  if (Either.isLeft(parsed)) throw new Error(parsed.left.message)
  return parsed.right
}

Deno.test("an issue number, #number or owner/repo#number names an issue; a bare one is in the default repository", () => {
  for (const input of ["12", "#12"]) {
    const ref = issue(input)
    assert.deepEqual([ref.owner, ref.repo, ref.number], ["acme", "web", 12])
    assert.equal(issueUrl(ref), "https://github.com/acme/web/issues/12")
  }
  const other = issue("someone/lib#3", { apiUrl: "https://api.github.com" })
  assert.deepEqual([other.owner, other.repo, other.number], ["someone", "lib", 3])
  const noRepo = parseIssueRef("12", { apiUrl: "https://api.github.com" })
  assert.ok(Either.isLeft(noRepo) && /--repo or repo_url to be a GitHub repository/.test(noRepo.left.message))
})

Deno.test("an issue URL names its repository, on github.com and on an Enterprise Server host", () => {
  const ref = issue("https://github.com/other/app/issues/7#issuecomment-1")
  assert.deepEqual([ref.apiUrl, ref.owner, ref.repo, ref.number], ["https://api.github.com", "other", "app", 7])
  const ghes = issue("https://ghe.example.com/team/svc/issues/9", { apiUrl: "https://ghe.example.com/api/v3/" })
  assert.deepEqual([ghes.apiUrl, ghes.owner, ghes.number], ["https://ghe.example.com/api/v3", "team", 9])
  assert.equal(issueUrl(ghes), "https://ghe.example.com/team/svc/issues/9")
})

Deno.test("a pull request's URL, another host or another path is not an issue", () => {
  for (
    const [input, reason] of [
      ["https://github.com/acme/web/pull/4", /pull request, not an issue/],
      ["https://gitlab.com/acme/web/issues/4", /not on https:\/\/github\.com/],
      ["https://github.com/acme/web", /of the form/],
      ["0", /start at 1/],
    ] as const
  ) {
    const parsed = parseIssueRef(input, github)
    assert.ok(Either.isLeft(parsed) && reason.test(parsed.left.message), input)
  }
})
