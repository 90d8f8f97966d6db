/**
 * Where job-log redirects lead: a second listener, so the log lives on another origin, as GitHub's
 * pre-signed storage URLs do. The signature in the URL is the only credential; like a storage service
 * given a SAS, it refuses a request that also carries an Authorization header, so a client that forwards
 * the GitHub token across the redirect fails here. Links expire after `ttlSeconds` (GitHub: 1 minute).
 */
import { Effect, type Scope } from "effect"
import type { GithubState } from "./state.ts"

const storageError = (status: number, code: string, message: string) =>
  new Response(
    `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
    { status, headers: { "content-type": "application/xml" } },
  )

export interface LogHost {
  /** `http://127.0.0.1:{port}` */
  readonly url: string
  /** A fresh pre-signed URL for the job's log. */
  readonly location: (jobId: number) => string
}

export const startLogHost = (
  state: GithubState,
  ttlSeconds: number,
  record: (request: Request, body: string, status: number) => void,
): Effect.Effect<LogHost, never, Scope.Scope> =>
  Effect.gen(function* () {
    const signatures = new Map<string, { readonly jobId: number; readonly expires: number }>()
    const answer = (request: Request): Response => {
      const url = new URL(request.url)
      const signed = signatures.get(url.searchParams.get("sig") ?? "")
      if (request.headers.has("authorization")) {
        return storageError(
          400,
          "InvalidAuthenticationInfo",
          "Authentication information is not given in the correct format. Check the value of Authorization header.",
        )
      }
      if (signed === undefined || !url.pathname.startsWith(`/${signed.jobId}/`)) {
        return storageError(403, "AuthenticationFailed", "Signature did not match.")
      }
      if (Date.now() > signed.expires) {
        return storageError(403, "AuthenticationFailed", "Signed expiry time has passed.")
      }
      const run = state.checkRuns.find((r) => r.id === signed.jobId)
      return new Response(run?.log ?? "", { headers: { "content-type": "text/plain; charset=utf-8" } })
    }
    const server = yield* Effect.acquireRelease(
      Effect.sync(() =>
        Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
          const response = answer(request)
          record(request, "", response.status)
          return response
        })
      ),
      (server) => Effect.promise(() => server.shutdown()),
    )
    const url = `http://127.0.0.1:${server.addr.port}`
    return {
      url,
      location: (jobId) => {
        const sig = crypto.randomUUID().replaceAll("-", "")
        const expires = Date.now() + ttlSeconds * 1000
        signatures.set(sig, { jobId, expires })
        const se = new Date(expires).toISOString()
        return `${url}/${jobId}/job-logs.txt?sv=2025-01-05&se=${encodeURIComponent(se)}&sp=r&sig=${sig}`
      },
    }
  })
