import * as Schema from "effect/Schema"

/** The URL names no repository, or one the credentials may not see (Azure DevOps answers 404 for both). */
export class GitRepositoryNotFound extends Schema.TaggedError<GitRepositoryNotFound>()("GitRepositoryNotFound", {
  url: Schema.String,
}) {
  override get message(): string {
    return `no git repository at ${this.url}: check the repository URL (and that the PAT may read it)`
  }
}

/** git was refused credentials or had none to give: never retried. */
export class GitAuthFailed extends Schema.TaggedError<GitAuthFailed>()("GitAuthFailed", {
  url: Schema.String,
}) {
  override get message(): string {
    return `git could not authenticate to ${this.url}: check the PAT (ado.pat) and its Code (read & write) scope`
  }
}

export class GitBranchNotFound extends Schema.TaggedError<GitBranchNotFound>()("GitBranchNotFound", {
  branch: Schema.String,
  url: Schema.String,
}) {
  override get message(): string {
    return `the branch ${this.branch} does not exist in ${this.url}: push a first commit to it, or fix the default branch`
  }
}

/** Any other git failure, with the end of what git said (credentials removed). */
export class GitFailed extends Schema.TaggedError<GitFailed>()("GitFailed", {
  command: Schema.String,
  exitCode: Schema.Number,
  stderrTail: Schema.String,
}) {
  override get message(): string {
    const said = this.stderrTail.trim() === "" ? "" : `:\n${this.stderrTail}`
    return `${this.command} failed with exit code ${this.exitCode}${said}`
  }
}

export class WorkspaceNotFound extends Schema.TaggedError<WorkspaceNotFound>()("WorkspaceNotFound", {
  id: Schema.String,
  path: Schema.String,
}) {
  override get message(): string {
    return `ticket ${this.id} has no workspace at ${this.path}: it was deleted; \`devvy resume ${this.id}\` clones it again`
  }
}

export class EnvFileNotFound extends Schema.TaggedError<EnvFileNotFound>()("EnvFileNotFound", {
  path: Schema.String,
}) {
  override get message(): string {
    return `the env file ${this.path} (env_file) cannot be read: fix the path or remove the setting`
  }
}

export type WorkspaceError =
  | GitRepositoryNotFound
  | GitAuthFailed
  | GitBranchNotFound
  | GitFailed
  | WorkspaceNotFound
  | EnvFileNotFound
