import assert from "node:assert/strict"
import * as Either from "effect/Either"
import { parseWorkItemRef, workItemUrl } from "../../../src/services/forge/source_ref.ts"

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
