/**
 * git's smart HTTP protocol, served by the real `git http-backend` as a CGI program: the request body
 * streams into its stdin and its stdout (CGI headers, then the body) streams back.
 */

export interface GitHttpTarget {
  /** The folder holding the bare repositories. */
  readonly projectRoot: string
  /** `/{repository folder}/info/refs`, `/{…}/git-upload-pack` or `/{…}/git-receive-pack`. */
  readonly pathInfo: string
  /** Who authenticated; http-backend refuses pushes from anonymous users. */
  readonly remoteUser: string
}

/** The password of a `Basic` Authorization header (a PAT or token, whatever the user name), if any. */
export const basicPassword = (header: string | null): string | undefined => {
  const match = /^basic\s+(\S+)$/i.exec(header ?? "")
  if (!match) return undefined
  try {
    const decoded = atob(match[1])
    return decoded.slice(decoded.indexOf(":") + 1)
  } catch {
    return undefined
  }
}

const headerEnd = (bytes: Uint8Array): { at: number; length: number } | undefined => {
  for (let i = 0; i + 1 < bytes.length; i++) {
    if (bytes[i] === 10 && bytes[i + 1] === 10) return { at: i, length: 2 }
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return { at: i, length: 4 }
    }
  }
  return undefined
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

export const serveGitHttp = async (request: Request, target: GitHttpTarget): Promise<Response> => {
  const url = new URL(request.url)
  const env: Record<string, string> = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_PROJECT_ROOT: target.projectRoot,
    GIT_HTTP_EXPORT_ALL: "1",
    GATEWAY_INTERFACE: "CGI/1.1",
    PATH_INFO: target.pathInfo,
    REMOTE_USER: target.remoteUser,
    REMOTE_ADDR: "127.0.0.1",
    REQUEST_METHOD: request.method,
    QUERY_STRING: url.search.replace(/^\?/, ""),
    CONTENT_TYPE: request.headers.get("content-type") ?? "",
  }
  const length = request.headers.get("content-length")
  if (length !== null) env.CONTENT_LENGTH = length
  // As a web server would, minus the credentials: http-backend needs Content-Encoding (gzip) and Git-Protocol.
  for (const [name, value] of request.headers) {
    if (name === "authorization" || name === "content-type" || name === "content-length") continue
    env[`HTTP_${name.toUpperCase().replaceAll("-", "_")}`] = value
  }

  const child = new Deno.Command("git", {
    args: ["http-backend"],
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn()
  const feeding = request.body === null ? child.stdin.close() : request.body.pipeTo(child.stdin).catch(() => undefined)

  const reader = child.stdout.getReader()
  let head: Uint8Array = new Uint8Array()
  let end = headerEnd(head)
  while (end === undefined) {
    const { value, done } = await reader.read()
    if (done) break
    head = concat(head, value)
    end = headerEnd(head)
  }
  if (end === undefined) {
    await Promise.all([feeding, child.status])
    return new Response("git http-backend wrote no headers", { status: 500 })
  }

  const headers = new Headers()
  let status = 200
  for (const line of new TextDecoder().decode(head.subarray(0, end.at)).split(/\r?\n/)) {
    const colon = line.indexOf(":")
    if (colon < 0) continue
    const name = line.slice(0, colon).trim()
    const value = line.slice(colon + 1).trim()
    if (name.toLowerCase() === "status") status = Number.parseInt(value, 10)
    else headers.append(name, value)
  }
  const rest = head.subarray(end.at + end.length)
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (rest.length > 0) controller.enqueue(rest)
    },
    async pull(controller) {
      const { value, done } = await reader.read()
      if (done) {
        controller.close()
        await Promise.all([feeding, child.status])
      } else controller.enqueue(value)
    },
    async cancel() {
      await reader.cancel()
      await Promise.all([feeding, child.status])
    },
  })
  if (status === 204 || status === 304) {
    await body.cancel()
    return new Response(null, { status, headers })
  }
  return new Response(body, { status, headers })
}
