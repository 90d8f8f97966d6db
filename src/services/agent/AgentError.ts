import * as Schema from "effect/Schema"

/** The model (or its provider) answered with an error; `detail` is its own message. */
export class AgentModelError extends Schema.TaggedError<AgentModelError>()("AgentModelError", {
  name: Schema.String,
  detail: Schema.String,
  statusCode: Schema.optional(Schema.Number),
}) {
  override get message(): string {
    const status = this.statusCode === undefined ? "" : ` (HTTP ${this.statusCode})`
    return `the model returned an error${status}: ${this.detail} — check the model name and its credentials`
  }
}

/** Neither opencode credentials nor an opencode config exist: the agent could not reach any model. */
export class AgentCredentialsMissing extends Schema.TaggedError<AgentCredentialsMissing>()("AgentCredentialsMissing", {
  authPath: Schema.String,
}) {
  override get message(): string {
    return `no opencode credentials at ${this.authPath} and no agent.opencode_config set: ` +
      "run `opencode auth login` on this machine, or set agent.opencode_config to a config with your provider"
  }
}

/** A phase ran longer than agent.phase_timeout_seconds. */
export class AgentTimeout extends Schema.TaggedError<AgentTimeout>()("AgentTimeout", {
  phase: Schema.String,
  seconds: Schema.Number,
}) {
  override get message(): string {
    return `the agent did not finish ${this.phase} within ${this.seconds} s and was stopped ` +
      "(agent.phase_timeout_seconds sets the limit)"
  }
}

/** opencode printed nothing for agent.stall_timeout_seconds. */
export class AgentStalled extends Schema.TaggedError<AgentStalled>()("AgentStalled", {
  phase: Schema.String,
  seconds: Schema.Number,
}) {
  override get message(): string {
    return `the agent printed nothing for ${this.seconds} s during ${this.phase} and was stopped ` +
      "(agent.stall_timeout_seconds sets the limit; the model's provider may be unreachable)"
  }
}

/** opencode refused a tool call that needed a permission; the run ends with exit code 0 all the same. */
export class AgentRejected extends Schema.TaggedError<AgentRejected>()("AgentRejected", {
  tool: Schema.String,
  detail: Schema.String,
}) {
  override get message(): string {
    return `opencode refused the agent's ${this.tool} call: ${this.detail} — ` +
      "an opencode config that asks for permissions cannot run unattended"
  }
}

/** opencode ended with a failure exit code and no error event to explain it. */
export class AgentExited extends Schema.TaggedError<AgentExited>()("AgentExited", {
  exitCode: Schema.Number,
  stderr: Schema.String,
}) {
  override get message(): string {
    const tail = this.stderr.trim() === "" ? "no output on stderr" : `stderr: ${this.stderr.trim()}`
    return `opencode exited with code ${this.exitCode} (${tail})`
  }
}

/** The agent's answer to review threads could not be used as it stands. */
export class ReviewRepliesInvalid extends Schema.TaggedError<ReviewRepliesInvalid>()("ReviewRepliesInvalid", {
  problem: Schema.String,
}) {
  override get message(): string {
    return `the agent's review replies could not be used: ${this.problem}`
  }
}

/** The worker could not run opencode at all (container gone, engine unreachable). */
export class AgentWorkerFailed extends Schema.TaggedError<AgentWorkerFailed>()("AgentWorkerFailed", {
  worker: Schema.String,
  detail: Schema.String,
}) {
  override get message(): string {
    return `could not run opencode in worker ${this.worker}: ${this.detail} — \`devvy resume\` starts a fresh worker`
  }
}

/** The model is not written `provider/model`, which opencode answers only with "Unexpected server error". */
export class AgentModelInvalid extends Schema.TaggedError<AgentModelInvalid>()("AgentModelInvalid", {
  model: Schema.String,
}) {
  override get message(): string {
    return `the model "${this.model}" is not of the form provider/model (e.g. github-copilot/claude-sonnet-4.6): ` +
      "set `model` in the config or pass --model"
  }
}

/** opencode no longer knows the session to continue (its data directory was lost): start a new one. */
export class AgentSessionNotFound extends Schema.TaggedError<AgentSessionNotFound>()("AgentSessionNotFound", {
  sessionId: Schema.String,
}) {
  override get message(): string {
    return `opencode no longer has session ${this.sessionId} (its data under $DEVVY_HOME/agent/ is gone): ` +
      "the phase has to start over in a new session"
  }
}

/** Every way an agent run can fail; each says what to do. */
export type AgentError =
  | AgentModelError
  | AgentModelInvalid
  | AgentCredentialsMissing
  | AgentTimeout
  | AgentStalled
  | AgentRejected
  | AgentExited
  | AgentWorkerFailed
  | AgentSessionNotFound
