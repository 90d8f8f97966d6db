/** Helpers for tests that talk to the emulator directly: raw HTTP calls, and git with the token in its environment. */
import * as fs from "node:fs"
import * as path from "node:path"
import { Effect } from "effect"
import { gitWithHeader } from "../git_server/client.ts"

export interface Answer {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The parsed JSON body (undefined when the body is not JSON). */
  readonly body: unknown
}

/** A GitHub API call as a client makes it; `token: undefined` sends no Authorization header. */
export const call = (
  url: string,
  init: {
    readonly token?: string | undefined
    readonly method?: string
    readonly body?: unknown
    readonly headers?: Record<string, string>
    readonly redirect?: RequestRedirect
  } = {},
) =>
  Effect.promise(async (): Promise<Answer> => {
    const response = await fetch(url, {
      method: init.method ?? "GET",
      redirect: init.redirect ?? "manual",
      headers: {
        accept: "application/vnd.github+json",
        "x-github-api-version": "2022-11-28",
        "user-agent": "devvy-test",
        ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    })
    const text = await response.text()
    let body: unknown = undefined
    try {
      body = JSON.parse(text)
    } catch {
      body = undefined
    }
    return { status: response.status, headers: response.headers, text, body }
  })

/** The `rel="next"` URL of a `Link` header. */
export const nextLink = (headers: Headers): string | undefined =>
  /<([^>]+)>;\s*rel="next"/.exec(headers.get("link") ?? "")?.[1]

/** git with the token as actions/checkout passes it: an extra `basic x-access-token:TOKEN` header. */
export const gitWith = (token: string | undefined) =>
  gitWithHeader(token === undefined ? undefined : `AUTHORIZATION: basic ${btoa(`x-access-token:${token}`)}`)

/**
 * A local repository in `dir` with `main` and one branch per entry of `branches`, each adding its files on
 * top of main: seed the emulator `from` it.
 */
export const localRepo = (
  dir: string,
  main: Readonly<Record<string, string>>,
  branches: Readonly<Record<string, Readonly<Record<string, string>>>> = {},
) =>
  Effect.gen(function* () {
    const git = gitWith(undefined)
    const write = (files: Readonly<Record<string, string>>) => {
      for (const [file, content] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
        fs.writeFileSync(path.join(dir, file), content)
      }
    }
    const run = (...args: Array<string>) =>
      git(dir, ...args).pipe(Effect.flatMap((r) => r.code === 0 ? Effect.void : Effect.die(new Error(r.stderr))))
    fs.mkdirSync(dir, { recursive: true })
    yield* run("init", "--quiet", "-b", "main")
    write(main)
    yield* run("add", "-A")
    yield* run("commit", "--quiet", "-m", "Initial commit")
    for (const [branch, files] of Object.entries(branches)) {
      yield* run("checkout", "--quiet", "-b", branch, "main")
      write(files)
      yield* run("add", "-A")
      yield* run("commit", "--quiet", "--allow-empty", "-m", `Work on ${branch}`)
    }
    yield* run("checkout", "--quiet", "main")
    return dir
  })
