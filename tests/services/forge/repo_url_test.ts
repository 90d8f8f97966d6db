import assert from "node:assert/strict"
import { Either } from "effect"
import { AdoRepoUrl, LocalRepoUrl, parseRepoUrl, type RepoUrlHints } from "../../../src/services/forge/repo_url.ts"

const ado = (input: string, hints?: RepoUrlHints) => {
  const result = parseRepoUrl(input, hints)
  if (Either.isLeft(result)) throw new Error(`expected ${input} to parse: ${result.left.message}`)
  assert.ok(result.right instanceof AdoRepoUrl, `${input} should be an Azure DevOps URL`)
  const { orgUrl, project, repo, cloneUrl } = result.right
  return { orgUrl, project, repo, cloneUrl }
}

const invalid = (input: string) => {
  const result = parseRepoUrl(input)
  assert.ok(Either.isLeft(result), `expected ${input} to be refused`)
  assert.equal(result.left._tag, "RepoUrlInvalid")
  return result.left
}

Deno.test("a dev.azure.com URL gives the organization URL, project, repository and clone URL", () => {
  assert.deepEqual(ado("https://dev.azure.com/fabrikam/Fiber/_git/web"), {
    orgUrl: "https://dev.azure.com/fabrikam",
    project: "Fiber",
    repo: "web",
    cloneUrl: "https://dev.azure.com/fabrikam/Fiber/_git/web",
  })
})

Deno.test("the user@ prefix ADO puts in clone URLs is dropped", () => {
  assert.deepEqual(ado("https://fabrikam@dev.azure.com/fabrikam/Fiber/_git/web"), {
    orgUrl: "https://dev.azure.com/fabrikam",
    project: "Fiber",
    repo: "web",
    cloneUrl: "https://dev.azure.com/fabrikam/Fiber/_git/web",
  })
})

Deno.test("encoded names are decoded, and the clone URL encodes them again", () => {
  assert.deepEqual(ado("https://dev.azure.com/fabrikam/My%20Project/_git/My%20Repo/"), {
    orgUrl: "https://dev.azure.com/fabrikam",
    project: "My Project",
    repo: "My Repo",
    cloneUrl: "https://dev.azure.com/fabrikam/My%20Project/_git/My%20Repo",
  })
})

Deno.test("a web link into the repository (a file, a pull request) still names the repository", () => {
  const parsed = ado("https://dev.azure.com/fabrikam/Fiber/_git/web/pullrequest/12?_a=files")
  assert.equal(parsed.repo, "web")
  assert.equal(parsed.cloneUrl, "https://dev.azure.com/fabrikam/Fiber/_git/web")
})

Deno.test("a URL with no project segment names the project's default repository", () => {
  assert.equal(ado("https://dev.azure.com/fabrikam/_git/Fiber").project, "Fiber")
})

Deno.test("visualstudio.com URLs, with and without DefaultCollection, keep their host as the organization URL", () => {
  assert.deepEqual(ado("https://fabrikam.visualstudio.com/Fiber/_git/web"), {
    orgUrl: "https://fabrikam.visualstudio.com",
    project: "Fiber",
    repo: "web",
    cloneUrl: "https://fabrikam.visualstudio.com/Fiber/_git/web",
  })
  assert.deepEqual(ado("https://fabrikam.visualstudio.com/DefaultCollection/Fiber/_git/web"), {
    orgUrl: "https://fabrikam.visualstudio.com/DefaultCollection",
    project: "Fiber",
    repo: "web",
    cloneUrl: "https://fabrikam.visualstudio.com/DefaultCollection/Fiber/_git/web",
  })
})

Deno.test("a Server URL takes everything before the project as the collection URL", () => {
  assert.deepEqual(ado("https://tfs.contoso.com/tfs/DefaultCollection/Fiber/_git/web"), {
    orgUrl: "https://tfs.contoso.com/tfs/DefaultCollection",
    project: "Fiber",
    repo: "web",
    cloneUrl: "https://tfs.contoso.com/tfs/DefaultCollection/Fiber/_git/web",
  })
})

Deno.test("any base URL works, such as a plain-HTTP server on a loopback port", () => {
  assert.deepEqual(ado("http://127.0.0.1:8123/org/proj/_git/repo"), {
    orgUrl: "http://127.0.0.1:8123/org",
    project: "proj",
    repo: "repo",
    cloneUrl: "http://127.0.0.1:8123/org/proj/_git/repo",
  })
})

Deno.test("the configured organization URL settles a Server URL that has no project segment", () => {
  const hints = { orgUrl: "https://tfs.contoso.com/tfs/Main/", project: "Fiber" }
  assert.deepEqual(ado("https://tfs.contoso.com/tfs/Main/_git/web", hints), {
    orgUrl: "https://tfs.contoso.com/tfs/Main",
    project: "Fiber",
    repo: "web",
    cloneUrl: "https://tfs.contoso.com/tfs/Main/Fiber/_git/web",
  })
  // Hints for another server are ignored rather than trusted.
  assert.equal(ado("https://dev.azure.com/other/P/_git/r", hints).orgUrl, "https://dev.azure.com/other")
  assert.equal(ado("https://dev.azure.com/other/_git/r", hints).project, "r")
})

Deno.test("SSH URLs are turned into the HTTPS clone URL, since devvy authenticates git with the PAT", () => {
  assert.deepEqual(ado("git@ssh.dev.azure.com:v3/fabrikam/My%20Project/web"), {
    orgUrl: "https://dev.azure.com/fabrikam",
    project: "My Project",
    repo: "web",
    cloneUrl: "https://dev.azure.com/fabrikam/My%20Project/_git/web",
  })
})

Deno.test("local paths and file:// URLs belong to the local forge", () => {
  for (
    const [input, path] of [["/srv/repos/app", "/srv/repos/app"], ["./app", "./app"], ["../app", "../app"], [
      "~/code/app",
      "~/code/app",
    ], ["file:///srv/my%20repos/app", "/srv/my repos/app"]]
  ) {
    const result = parseRepoUrl(input)
    assert.ok(Either.isRight(result) && result.right instanceof LocalRepoUrl, input)
    assert.equal(result.right.path, path)
  }
})

Deno.test("an empty URL, a bare word and a URL without /_git/ are refused with what was expected", () => {
  assert.match(invalid("  ").message, /empty/)
  assert.match(invalid("myrepo").message, /neither a URL nor a path.*\.\/myrepo/)
  assert.match(invalid("https://gitlab.com/owner/repo").message, /no \/_git\/\{repo\} part.*git@github.com/)
  assert.match(invalid("https://dev.azure.com/_git/repo").message, /no organization/)
  assert.match(invalid("https://dev.azure.com/org/proj/_git/").message, /no \/_git\/\{repo\} part/)
  assert.match(invalid("ftp://dev.azure.com/org/proj/_git/repo").message, /ftp URLs are not supported/)
})

Deno.test("a URL carrying a password is refused and the password is not repeated in the error", () => {
  const error = invalid("https://user:s3cretpat@dev.azure.com/org/proj/_git/repo")
  assert.match(error.message, /carries a password/)
  assert.ok(!error.message.includes("s3cretpat"))
  assert.ok(!error.url.includes("s3cretpat"))
})
