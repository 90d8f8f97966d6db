/** GitHub's answers around the payloads: error bodies, `Link` pagination and rate limits (reference §1.1). */

const DOCS = "https://docs.github.com/rest"

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  })

/** `{"message","documentation_url","status"}`: the shape of every GitHub error. */
export const apiError = (status: number, message: string, doc = DOCS, extra: Record<string, unknown> = {}) =>
  json(status, { message, ...extra, documentation_url: doc, status: String(status) })

export const notFound = (doc = DOCS) => apiError(404, "Not Found", doc)

export interface FieldError {
  readonly resource: string
  readonly code: string
  readonly field?: string
  readonly message?: string
}

/** 422 "Validation Failed" with its `errors` array; `code: "custom"` errors carry the reason as text (§1.2). */
export const validationFailed = (errors: ReadonlyArray<FieldError>, doc: string) =>
  apiError(422, "Validation Failed", doc, { errors })

/** GitHub's limit on issue, pull request and comment bodies (§1.2). */
export const BODY_LIMIT = 65536

export const bodyTooLong = (resource: string, doc: string) =>
  validationFailed([{
    resource,
    code: "custom",
    field: "body",
    message: `body is too long (maximum is ${BODY_LIMIT} characters)`,
  }], doc)

/**
 * One page of `items` and its `Link` header. The page size is `per_page` (default 30, GitHub's), capped at
 * `maxPageSize` — 100 on GitHub, small here so every client walks pages. Link URLs keep the request's query
 * and use GitHub's `/repositories/{id}/…` form, so a client that builds page URLs itself goes wrong.
 */
export const paginate = <A>(
  url: URL,
  items: ReadonlyArray<A>,
  options: { readonly maxPageSize: number; readonly linkPath: string },
): { readonly page: ReadonlyArray<A>; readonly headers: Record<string, string> } => {
  const perPage = Math.min(Math.max(Number(url.searchParams.get("per_page") ?? 30) || 30, 1), options.maxPageSize)
  const page = Math.max(Number(url.searchParams.get("page") ?? 1) || 1, 1)
  const last = Math.max(Math.ceil(items.length / perPage), 1)
  const at = (n: number) => {
    const target = new URL(options.linkPath, url)
    target.search = url.search
    target.searchParams.set("page", String(n))
    return target.href
  }
  const links: Array<string> = []
  if (page > 1) links.push(`<${at(Math.min(page - 1, last))}>; rel="prev"`)
  if (page < last) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`)
  if (page > 1) links.push(`<${at(1)}>; rel="first"`)
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length === 0 ? {} : { link: links.join(", ") },
  }
}

/** An injected limit or outage answering the next `times` API requests. */
export type Limit =
  | {
    readonly kind: "primary"
    readonly status?: 403 | 429
    readonly times?: number
    /** Seconds from now to `x-ratelimit-reset`; default 60. */
    readonly resetInSeconds?: number
  }
  | {
    readonly kind: "secondary"
    readonly status?: 403 | 429
    readonly times?: number
    /** Sent as `retry-after` when given; without it a client must fall back (§1.1). */
    readonly retryAfterSeconds?: number
  }
  | { readonly kind: "server"; readonly status: 500 | 502 | 503; readonly times?: number }

const HOURLY = 5000

/** Counts requests per token, as GitHub's primary limit does, and plays injected limits. */
export class RateLimits {
  private readonly used = new Map<string, number>()
  private readonly injected: Array<Limit & { remaining: number }> = []
  private readonly windowReset = Math.floor(Date.now() / 1000) + 3600

  inject(limit: Limit): void {
    this.injected.push({ ...limit, remaining: limit.times ?? 1 })
  }

  /** The limited answer for this request, if one is injected; otherwise counts the request. */
  take(identity: string): { readonly headers: Record<string, string>; readonly blocked?: Response } {
    const limit = this.injected.find((l) => l.remaining > 0)
    if (limit !== undefined) limit.remaining--
    if (limit?.kind === "primary") {
      const reset = Math.floor(Date.now() / 1000) + (limit.resetInSeconds ?? 60)
      const headers = this.headers(identity, { remaining: 0, reset })
      const status = limit.status ?? 403
      const body = {
        message:
          "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.",
        documentation_url:
          "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit",
        status: String(status),
      }
      return { headers, blocked: json(status, body, headers) }
    }
    const used = (this.used.get(identity) ?? 0) + 1
    this.used.set(identity, used)
    const headers = this.headers(identity)
    if (limit?.kind === "secondary") {
      const status = limit.status ?? 403
      const retry: Record<string, string> = limit.retryAfterSeconds === undefined
        ? {}
        : { "retry-after": String(limit.retryAfterSeconds) }
      const body = {
        message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
          "If you reach out to GitHub Support for help, please include the request ID.",
        documentation_url:
          "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        status: String(status),
      }
      return { headers, blocked: json(status, body, { ...headers, ...retry }) }
    }
    if (limit?.kind === "server") {
      return { headers, blocked: apiError(limit.status, limit.status === 502 ? "Server Error" : "Service Unavailable") }
    }
    return { headers }
  }

  private headers(identity: string, override?: { remaining: number; reset: number }): Record<string, string> {
    const used = this.used.get(identity) ?? 0
    return {
      "x-ratelimit-limit": String(HOURLY),
      "x-ratelimit-remaining": String(override?.remaining ?? Math.max(HOURLY - used, 0)),
      "x-ratelimit-reset": String(override?.reset ?? this.windowReset),
      "x-ratelimit-used": String(override === undefined ? used : HOURLY),
      "x-ratelimit-resource": "core",
    }
  }
}
