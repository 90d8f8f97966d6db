import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Layer from "effect/Layer"
import { AgentCredentials } from "../services/agent/AgentCredentials.ts"
import { AgentUsage } from "../services/agent/AgentUsage.ts"
import { DockerAgentRunner } from "../services/agent/docker_runner.ts"
import { Opencode } from "../services/agent/Opencode.ts"
import { ContainerCopies } from "../services/docker/ContainerCopies.ts"
import * as DockerEngineLive from "../services/docker/engine.ts"
import { LocalPullRequests } from "../services/forge/local/LocalPullRequests.ts"
import { CheckRounds } from "../services/store/CheckRounds.ts"
import { ReplyLedger } from "../services/store/ReplyLedger.ts"
import { SourceCommentLedger } from "../services/store/SourceCommentLedger.ts"
import { TicketLoggerLive } from "../services/store/TicketLogger.ts"
import { TicketTracingLive } from "../services/tracing/TicketTracing.ts"
import { Workspace } from "../services/workspace/Workspace.ts"

/**
 * Everything the ticket pipeline runs on but the forge, which is chosen per ticket from its repository.
 * The store (StoreServices) and the config are the caller's: a command has them open already, so the
 * pipeline uses that connection instead of opening SQLite a second time. What runs inside it logs
 * with Effect's logger: lines annotated with a ticket and phase (inTicketLog) go to the ticket's log. Loaded only by the commands
 * that drive tickets, so that `ps` and `status` never load Docker, forge or agent code.
 */
export const PipelineServices = Layer.mergeAll(
  Opencode.Default,
  Workspace.Default,
  ReplyLedger.Default,
  SourceCommentLedger.Default,
  CheckRounds.Default,
  LocalPullRequests.Default,
  FetchHttpClient.layer,
  TicketTracingLive,
  TicketLoggerLive,
).pipe(
  Layer.provideMerge(
    Layer.mergeAll(AgentUsage.Default, AgentCredentials.Default, DockerAgentRunner, ContainerCopies.Default),
  ),
  Layer.provideMerge(DockerEngineLive.layer),
)
