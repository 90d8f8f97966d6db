import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { Layer } from "effect"
import { AgentCredentials } from "../services/agent/AgentCredentials.ts"
import { AgentUsage } from "../services/agent/AgentUsage.ts"
import { DockerAgentRunner } from "../services/agent/docker_runner.ts"
import { Opencode } from "../services/agent/Opencode.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { DockerEngine } from "../services/docker/DockerEngine.ts"
import { LocalPullRequests } from "../services/forge/local/LocalPullRequests.ts"
import { DatabaseLive } from "../services/store/Database.ts"
import { ReplyLedger } from "../services/store/ReplyLedger.ts"
import { TicketLease } from "../services/store/TicketLease.ts"
import { TicketLog } from "../services/store/TicketLog.ts"
import { TicketStore } from "../services/store/TicketStore.ts"
import { TicketTracingLive } from "../services/tracing/TicketTracing.ts"
import { Workspace } from "../services/workspace/Workspace.ts"

/** The store's services over the database in DevvyPaths. */
export const StoreServices = Layer.mergeAll(TicketStore.Default, TicketLog.Default, TicketLease.Default).pipe(
  Layer.provideMerge(DatabaseLive),
)

/** What `ps`, `status` and `logs` need: the config checked, and the store. Nothing of Docker or the forge. */
export const StoreLayer = Layer.merge(StoreServices, AppConfig.layer)

/**
 * Everything the ticket pipeline runs on but the forge, which is chosen per ticket from its repository,
 * and the config, which the caller provides (with DevvyPaths and the platform).
 */
export const PipelineServices = Layer.mergeAll(
  Opencode.Default,
  Workspace.Default,
  ReplyLedger.Default,
  LocalPullRequests.Default,
  FetchHttpClient.layer,
  TicketTracingLive,
).pipe(
  Layer.provideMerge(Layer.mergeAll(AgentUsage.Default, AgentCredentials.Default, DockerAgentRunner)),
  Layer.provideMerge(DockerEngine.Default),
  Layer.provideMerge(StoreServices),
)

/** `run` and `resume`: the pipeline with the user's config. */
export const PipelineLayer = PipelineServices.pipe(Layer.provideMerge(AppConfig.layer))
