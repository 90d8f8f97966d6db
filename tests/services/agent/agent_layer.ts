/** The real Opencode service and its real dependencies over a temporary home, with the runner a test chooses. */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect, Layer } from "effect"
import * as path from "node:path"
import { AgentCredentials } from "../../../src/services/agent/AgentCredentials.ts"
import type { AgentRunner } from "../../../src/services/agent/AgentRunner.ts"
import { AgentUsage } from "../../../src/services/agent/AgentUsage.ts"
import { Opencode } from "../../../src/services/agent/Opencode.ts"
import type { TicketId } from "../../../src/domain/TicketId.ts"
import { TicketLog } from "../../../src/services/store/TicketLog.ts"
import { TicketLogger, TicketLoggerLive } from "../../../src/services/store/TicketLogger.ts"
import { configFrom } from "../../support/git_fixtures.ts"
import { makeTempDir, TempStore } from "../../support/temp_home.ts"

/** `settings` are environment variables of devvy's config (DEVVY_STALL_TIMEOUT, …); `dir` is a scratch directory. */
export const agentLayer = <E, R>(
  runner: Layer.Layer<AgentRunner, E, R>,
  settings: (dir: string) => Readonly<Record<string, string>> = () => ({}),
) =>
  Layer.unwrapScoped(
    Effect.map(makeTempDir("devvy-agent-"), (dir) =>
      Layer.merge(Opencode.Default, TicketLoggerLive).pipe(
        Layer.provideMerge(Layer.mergeAll(AgentUsage.Default, AgentCredentials.Default, runner)),
        Layer.provideMerge(configFrom({ XDG_DATA_HOME: path.join(dir, "user-data"), ...settings(dir) })),
        Layer.provideMerge(TempStore),
        Layer.provideMerge(NodeContext.layer),
      )),
  )

/** The ticket's log as `devvy logs` would read it once the pending lines are written. */
export const loggedLines = (id: TicketId) =>
  Effect.gen(function* () {
    yield* (yield* TicketLogger).flush
    return (yield* (yield* TicketLog).read(id)).map((stored) => stored.line)
  })
