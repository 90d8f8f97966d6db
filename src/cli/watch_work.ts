/** `devvy watch`'s work, loaded only when watch runs. */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as path from "node:path"
import type { State } from "../domain/State.ts"
import type { Ticket } from "../domain/Ticket.ts"
import { PipelineServices } from "../pipeline/layer.ts"
import { driveTicket } from "../pipeline/runner.ts"
import { watch } from "../pipeline/watch.ts"
import { AppConfig, requireSetting } from "../services/config/AppConfig.ts"
import { parseTicketRepoUrl } from "../services/forge/forge_for.ts"
import { watchedIssues, watchedWorkItems } from "../services/forge/work_source.ts"
import { StoreLayer } from "./layers.ts"
import { formatClock } from "./ui/time.ts"
import { UsageError } from "./usage_error.ts"
import type { WatchFlags } from "./watch.ts"

const line = (text: string) =>
  Effect.flatMap(
    Effect.clockWith((c) => c.currentTimeMillis),
    (now) => Console.log(`${formatClock(new Date(now))}  ${text}`),
  )

const printTransition = (ticket: Ticket, from: State) => line(`${ticket.id}: ${from} → ${ticket.state}`)

export const runWatch = (flags: WatchFlags) =>
  Effect.gen(function* () {
    if (flags.maxParallel < 1) {
      return yield* new UsageError({ detail: `--max-parallel must be at least 1, got ${flags.maxParallel}` })
    }
    const query = Option.filter(flags.query, (q) => q.trim() !== "")
    if (Option.isSome(flags.query) && Option.isNone(query)) {
      return yield* new UsageError({ detail: "--query must be a WIQL WHERE condition, not empty" })
    }
    const config = yield* AppConfig
    const model = yield* requireSetting(config, "model", config.model)
    const configured = yield* requireSetting(config, "repo_url", config.repoUrl)
    const repoUrl = configured.startsWith(".") ? path.resolve(configured) : configured
    // The default repository picks the source: its GitHub issues, else the configured project's work items.
    const parsed = parseTicketRepoUrl(repoUrl, config)
    const github = Either.isRight(parsed) && parsed.right._tag === "GitHubRepoUrl" ? parsed.right : undefined
    if (github !== undefined && Option.isSome(query)) {
      return yield* new UsageError({
        detail: "--query is WIQL, for Azure DevOps work items; GitHub issues are watched by label",
      })
    }
    const items = github === undefined ? yield* watchedWorkItems(query) : yield* watchedIssues(github)
    const what = github === undefined
      ? Option.getOrElse(query, () => `work items tagged "${config.ado.watchTag}"`)
      : `issues of ${github.owner}/${github.repo} labelled "${config.github.watchLabel}"`
    yield* line(
      `watching ${what}, ` +
        `${flags.maxParallel} at once (pid ${Deno.pid}); Ctrl-C stops, leaving every ticket resumable`,
    )
    return yield* Effect.scoped(watch({
      items,
      maxParallel: flags.maxParallel,
      repoUrl,
      model,
      pollInterval: config.agent.pollInterval,
      onEvent: line,
      drive: (id) => driveTicket(id, printTransition),
    }))
  }).pipe(Effect.provide(PipelineServices), Effect.provide(StoreLayer))
