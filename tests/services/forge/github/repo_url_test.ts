import assert from "node:assert/strict"
import { Either } from "effect"
import { GitHubRepoUrl, parseRepoUrl, type RepoUrlHints } from "../../../../src/services/forge/repo_url.ts"

const github = (input: string, hints?: RepoUrlHints) => {
  const result = parseRepoUrl(input, hints)
  if (Either.isLeft(result)) throw new Error(`expected ${input} to parse: ${result.left.message}`)
  assert.ok(result.right instanceof GitHubRepoUrl, `${input} should be a GitHub URL, got ${result.right._tag}`)
  const { apiUrl, owner, repo, cloneUrl } = result.right
  return { apiUrl, owner, repo, cloneUrl }
}

const refused = (input: string, hints?: RepoUrlHints) => {
  const result = parseRepoUrl(input, hints)
  assert.ok(Either.isLeft(result), `expected ${input} to be refused`)
  return result.left.message
}

const octo = {
  apiUrl: "https://api.github.com",
  owner: "octo",
  repo: "web",
  cloneUrl: "https://github.com/octo/web.git",
}

Deno.test("github.com HTTPS URLs, with or without .git or a trailing slash, name the owner and repository", () => {
  assert.deepEqual(github("https://github.com/octo/web"), octo)
  assert.deepEqual(github("https://github.com/octo/web.git"), octo)
  assert.deepEqual(github("https://github.com/octo/web/"), octo)
})

Deno.test("the SSH form git@github.com:owner/repo.git clones over HTTPS, where the token works", () => {
  assert.deepEqual(github("git@github.com:octo/web.git"), octo)
  assert.deepEqual(github("ssh://git@github.com/octo/web.git"), octo)
})

Deno.test("an Enterprise Server URL is GitHub when its host is github.api_url's, with that API base", () => {
  const hints = { githubApiUrl: "https://ghe.corp.example/api/v3" }
  assert.deepEqual(github("https://ghe.corp.example/team/app.git", hints), {
    apiUrl: "https://ghe.corp.example/api/v3",
    owner: "team",
    repo: "app",
    cloneUrl: "https://ghe.corp.example/team/app.git",
  })
  // Without the hint the same host is unknown, and the message lists GitHub's forms too.
  assert.match(refused("https://ghe.corp.example/team/app.git"), /https:\/\/github\.com\/\{owner\}\/\{repo\}/)
})

Deno.test("github.com stays github.com when github.api_url names an Enterprise Server", () => {
  assert.deepEqual(github("https://github.com/octo/web", { githubApiUrl: "https://ghe.corp.example/api/v3" }), octo)
})

Deno.test("plain http is GitHub only when github.api_url is http on the same host", () => {
  const emulator = { githubApiUrl: "http://127.0.0.1:8123/api/v3" }
  assert.deepEqual(github("http://127.0.0.1:8123/octo/web.git", emulator).apiUrl, "http://127.0.0.1:8123/api/v3")
  refused("http://github.com/octo/web")
  refused("https://127.0.0.1:8123/octo/web.git", emulator)
  refused("http://127.0.0.1:9999/octo/web.git", emulator)
})

Deno.test("a github.com URL with credentials in it, or not naming exactly owner/repo, is refused", () => {
  assert.match(refused("https://user:secret@github.com/octo/web"), /password/)
  assert.ok(!refused("https://user:secret@github.com/octo/web").includes("secret"))
  refused("https://github.com/octo")
  refused("git@gitlab.com:octo/web.git")
})

Deno.test("Azure DevOps URLs on the Enterprise host are still Azure DevOps", () => {
  const result = parseRepoUrl("https://ghe.corp.example/tfs/Coll/Proj/_git/web", {
    githubApiUrl: "https://ghe.corp.example/api/v3",
  })
  assert.ok(Either.isRight(result) && result.right._tag === "AdoRepoUrl")
})
