/**
 * Which forge a ticket's repository URL belongs to, and where its API lives. Pure: checked at RECEIVED,
 * before anything touches the network.
 */
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/** An Azure DevOps (Services or Server) repository: the REST base, its project and name, the HTTPS clone URL. */
export class AdoRepoUrl extends Schema.TaggedClass<AdoRepoUrl>()("AdoRepoUrl", {
  /** `https://dev.azure.com/{org}`, `https://{org}.visualstudio.com`, or a Server collection URL. No slash at the end. */
  orgUrl: Schema.String,
  /** Decoded (`My Project`, not `My%20Project`). */
  project: Schema.String,
  repo: Schema.String,
  /** `{orgUrl}/{project}/_git/{repo}`, names encoded, never with credentials in it. */
  cloneUrl: Schema.String,
}) {}

/** A repository on this machine: the local forge. */
export class LocalRepoUrl extends Schema.TaggedClass<LocalRepoUrl>()("LocalRepoUrl", {
  /** As given (relative paths are the caller's to resolve), or the path of a `file://` URL. */
  path: Schema.String,
}) {}

/** A GitHub (github.com or Enterprise Server) repository: the REST base, owner, name and HTTPS clone URL. */
export class GitHubRepoUrl extends Schema.TaggedClass<GitHubRepoUrl>()("GitHubRepoUrl", {
  /** `https://api.github.com`, or `https://HOST/api/v3` on Enterprise Server. No slash at the end. */
  apiUrl: Schema.String,
  owner: Schema.String,
  repo: Schema.String,
  /** `https://github.com/{owner}/{repo}.git` (SSH URLs too: git authenticates over HTTPS with the token). */
  cloneUrl: Schema.String,
}) {}

export type RepoUrl = AdoRepoUrl | GitHubRepoUrl | LocalRepoUrl

export class RepoUrlInvalid extends Schema.TaggedError<RepoUrlInvalid>()("RepoUrlInvalid", {
  /** What was given, with any password in it masked. */
  url: Schema.String,
  reason: Schema.String,
}) {
  override get message(): string {
    return `the repository URL "${this.url}" is not usable: ${this.reason}`
  }
}

/** What the configuration already knows; it settles where a Server collection ends and the project begins. */
export interface RepoUrlHints {
  readonly orgUrl?: string | undefined
  readonly project?: string | undefined
  /** `github.api_url`: its host is where Enterprise Server repositories live. */
  readonly githubApiUrl?: string | undefined
}

/** The hints a loaded configuration gives (structurally, so this module stays free of the config service). */
export const repoUrlHints = (config: {
  readonly ado: { readonly orgUrl: Option.Option<string>; readonly project: Option.Option<string> }
  readonly github: { readonly apiUrl: string }
}): RepoUrlHints => ({
  orgUrl: Option.getOrUndefined(config.ado.orgUrl),
  project: Option.getOrUndefined(config.ado.project),
  githubApiUrl: config.github.apiUrl,
})

const expected = "expected https://dev.azure.com/{org}/{project}/_git/{repo}, a Server URL such as " +
  "https://host/tfs/{collection}/{project}/_git/{repo}, https://github.com/{owner}/{repo}, " +
  "git@github.com:{owner}/{repo}.git, https://{host}/{owner}/{repo} on the host of github.api_url, or a local path"

const GITHUB_API = "https://api.github.com"

/** Where GitHub's web pages and git live for a REST base: github.com for api.github.com, else the API's own origin. */
export const githubWeb = (apiUrl: string): URL | undefined => {
  if (!URL.canParse(apiUrl)) return undefined
  const api = new URL(apiUrl)
  return api.host.toLowerCase() === "api.github.com" ? new URL("https://github.com") : new URL(api.origin)
}

const githubName = /^[A-Za-z0-9_.-]+$/

const github = (apiUrl: string, web: URL, owner: string, rawRepo: string): GitHubRepoUrl | undefined => {
  const repo = rawRepo.replace(/\.git$/i, "")
  if (!githubName.test(owner) || !githubName.test(repo)) return undefined
  return new GitHubRepoUrl({
    apiUrl: apiUrl.replace(/\/+$/, ""),
    owner,
    repo,
    cloneUrl: `${web.origin}/${owner}/${repo}.git`,
  })
}

/** `git@github.com:{owner}/{repo}.git`, `ssh://git@github.com/…`, and the same on the Enterprise host. */
const githubSsh = /^(?:ssh:\/\/)?git@([^:/\s]+)[:/]([^/]+)\/([^/]+?)\/?$/i

/**
 * A GitHub repository URL, or undefined when the URL is not GitHub's. github.com always counts; another
 * host only when it is `github.api_url`'s, over the same scheme (plain http only for emulators so configured).
 */
const parseGitHub = (input: string, hints: RepoUrlHints): GitHubRepoUrl | undefined => {
  const configured = hints.githubApiUrl ?? GITHUB_API
  const configuredWeb = githubWeb(configured)
  const apiFor = (host: string) =>
    configuredWeb !== undefined && host === configuredWeb.host.toLowerCase()
      ? { api: configured, web: configuredWeb }
      : host === "github.com"
      ? { api: GITHUB_API, web: new URL("https://github.com") }
      : undefined
  const ssh = githubSsh.exec(input)
  if (ssh) {
    const target = apiFor(ssh[1].toLowerCase())
    return target === undefined ? undefined : github(target.api, target.web, ssh[2], ssh[3])
  }
  if (!URL.canParse(input)) return undefined
  const url = new URL(input)
  const target = apiFor(url.host.toLowerCase())
  if (target === undefined || url.protocol !== target.web.protocol || url.username !== "" || url.password !== "") {
    return undefined
  }
  const segments = url.pathname.split("/").filter((s) => s !== "")
  return segments.length === 2 ? github(target.api, target.web, segments[0], segments[1]) : undefined
}

const looksLocal = (input: string): boolean =>
  input.startsWith("/") || input === "." || input === ".." || input.startsWith("./") || input.startsWith("../") ||
  input.startsWith("~/") || /^[A-Za-z]:[\\/]/.test(input) || input.startsWith(".\\") || input.startsWith("..\\")

/** `git@ssh.dev.azure.com:v3/{org}/{project}/{repo}` and the visualstudio.com form. */
const sshForm =
  /^(?:ssh:\/\/)?[^@\s/]+@(?:ssh\.dev\.azure\.com|vs-ssh\.visualstudio\.com)[:/]v3\/([^/]+)\/([^/]+)\/([^/]+?)\/?$/i

const decode = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

const ado = (orgUrl: string, project: string, repo: string): AdoRepoUrl =>
  new AdoRepoUrl({
    orgUrl,
    project,
    repo,
    cloneUrl: `${orgUrl}/${encodeURIComponent(project)}/_git/${encodeURIComponent(repo)}`,
  })

const masked = (input: string): string => input.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, "$1:***@")

/** Parses every form Azure DevOps hands out, a local path, or a `file://` URL. */
export const parseRepoUrl = (raw: string, hints: RepoUrlHints = {}): Either.Either<RepoUrl, RepoUrlInvalid> => {
  const input = raw.trim()
  const invalid = (reason: string) => Either.left(new RepoUrlInvalid({ url: masked(input), reason }))
  if (input === "") return invalid(`it is empty; ${expected}`)
  if (looksLocal(input)) return Either.right(new LocalRepoUrl({ path: input }))
  const onGitHub = parseGitHub(input, hints)
  if (onGitHub !== undefined) return Either.right(onGitHub)

  const ssh = sshForm.exec(input)
  if (ssh) {
    const [org, project, repo] = ssh.slice(1).map(decode)
    if (org === undefined || project === undefined || repo === undefined) return invalid("it is badly encoded")
    return Either.right(ado(`https://dev.azure.com/${encodeURIComponent(org)}`, project, repo))
  }

  let url: URL
  try {
    url = new URL(input)
  } catch {
    return invalid(`it is neither a URL nor a path (write ./${input} for a folder here); ${expected}`)
  }
  if (url.protocol === "file:") {
    if (url.host !== "" && url.host !== "localhost") return invalid("file:// URLs must name this machine")
    const path = decode(url.pathname)
    return path === undefined ? invalid("it is badly encoded") : Either.right(new LocalRepoUrl({ path }))
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return invalid(`${url.protocol.slice(0, -1)} URLs are not supported; ${expected}`)
  }
  if (url.password !== "") {
    return invalid(
      "it carries a password: remove it and set the PAT or token in the configuration (ado.pat, github.token) instead",
    )
  }

  const segments = url.pathname.split("/").filter((s) => s !== "")
  const gitAt = segments.findIndex((s) => s.toLowerCase() === "_git")
  if (gitAt < 0 || gitAt + 1 >= segments.length) {
    return invalid(`it has no /_git/{repo} part, so it is not an Azure DevOps repository URL; ${expected}`)
  }
  const repo = decode(segments[gitAt + 1])
  if (repo === undefined) return invalid("it is badly encoded")
  const before = segments.slice(0, gitAt)
  const host = url.host.toLowerCase()
  const origin = `${url.protocol}//${host}`

  // A URL without a project segment names the project's default repository, which shares its name.
  const split = (base: ReadonlyArray<string>, rest: ReadonlyArray<string>, projectHint?: string) => {
    if (rest.length > 1) return invalid(`it has unexpected path segments before /_git/; ${expected}`)
    const project = rest.length === 1 ? decode(rest[0]) : projectHint ?? repo
    if (project === undefined) return invalid("it is badly encoded")
    return Either.right(ado([origin, ...base].join("/"), project, repo))
  }

  const hintedOrg = hints.orgUrl?.replace(/\/+$/, "")
  if (hintedOrg !== undefined) {
    const hinted = URL.canParse(hintedOrg) ? new URL(hintedOrg) : undefined
    const hintedSegments = hinted?.pathname.split("/").filter((s) => s !== "") ?? []
    const sameBase = hinted !== undefined && hinted.host.toLowerCase() === host &&
      hintedSegments.length <= before.length &&
      hintedSegments.every((s, i) => s.toLowerCase() === before[i].toLowerCase())
    if (sameBase) {
      return split(before.slice(0, hintedSegments.length), before.slice(hintedSegments.length), hints.project)
    }
  }

  if (host === "dev.azure.com") {
    if (before.length === 0) return invalid(`it names no organization; ${expected}`)
    return split(before.slice(0, 1), before.slice(1))
  }
  if (host.endsWith(".visualstudio.com")) {
    const collection = before.length > 0 && before[0].toLowerCase() === "defaultcollection" ? 1 : 0
    return split(before.slice(0, collection), before.slice(collection))
  }
  // Server, or any other base URL: the collection is everything before the project.
  if (before.length === 0) return invalid(`it names no collection or project; ${expected}`)
  if (before.length === 1) return split(before, [])
  return split(before.slice(0, -1), before.slice(-1))
}
