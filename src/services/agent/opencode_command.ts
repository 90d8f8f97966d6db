/** The `opencode run` command devvy starts in a worker, and the environment it runs with. */
import * as Option from "effect/Option"
import type { AgentCommand } from "./AgentRunner.ts"
import { workerPaths } from "./credentials.ts"

/**
 * devvy's own opencode settings, given in OPENCODE_CONFIG_CONTENT, which opencode applies after every
 * config file: a run has nobody to answer a permission prompt (it would be auto-rejected and the phase
 * lost), the worker container is the sandbox, and nothing is shared or updated behind the user's back.
 */
export const devvySettings = {
  permission: { edit: "allow", bash: "allow", external_directory: "allow" },
  autoupdate: false,
  share: "disabled",
} as const

export interface OpencodeRun {
  readonly model: string
  readonly title: string
  readonly session: Option.Option<string>
  readonly prompt: string
  /** The user's opencode config is mounted in the worker (agent.opencode_config). */
  readonly userConfig: boolean
}

export const opencodeCommand = (run: OpencodeRun): AgentCommand => ({
  argv: [
    "opencode",
    "run",
    "--format",
    "json",
    "-m",
    run.model,
    // opencode takes the project from $PWD unless told, and a stale PWD has made it edit the wrong tree.
    "--dir",
    workerPaths.workspace,
    // A title given up front saves a hidden title-generation request to the model.
    "--title",
    run.title,
    ...Option.match(run.session, { onNone: () => [], onSome: (id) => ["--session", id] }),
  ],
  env: {
    HOME: workerPaths.home,
    XDG_DATA_HOME: workerPaths.dataHome,
    OPENCODE_DISABLE_MODELS_FETCH: "1",
    OPENCODE_DISABLE_AUTOUPDATE: "1",
    OPENCODE_CONFIG_CONTENT: JSON.stringify(devvySettings),
    ...(run.userConfig ? { OPENCODE_CONFIG: workerPaths.opencodeConfig } : {}),
  },
  // On stdin rather than as an argument: an argument with spaces reaches the model wrapped in quotes.
  stdin: run.prompt,
})

/** opencode's own answer to a malformed model is "Unexpected server error", so devvy checks it first. */
export const isModelString = (model: string): boolean => /^[^/\s]+\/\S+$/.test(model)
