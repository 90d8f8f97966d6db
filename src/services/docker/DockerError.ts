import * as Schema from "effect/Schema"

/**
 * Why the engine could not be reached, read once from the socket error where it happens: a missing
 * socket, a refused connection or a denied permission will not mend on their own; a reset connection
 * or anything else may.
 */
export const UnreachableReason = Schema.Literal("socket-missing", "refused", "permission", "reset", "other")
export type UnreachableReason = typeof UnreachableReason.Type

/** No engine answers at the configured address. */
export class EngineUnreachable extends Schema.TaggedError<EngineUnreachable>()("EngineUnreachable", {
  host: Schema.String,
  reason: UnreachableReason,
  detail: Schema.String,
}) {
  override get message(): string {
    return `no Docker engine answers at ${this.host} (${this.detail}): start Docker ` +
      "(`sudo systemctl start docker`, or run `dockerd` in the background), " +
      "or point DOCKER_HOST / docker.host in the config at a running engine"
  }
}

/** The engine answers but speaks no API version devvy can use. */
export class EngineUnsupported extends Schema.TaggedError<EngineUnsupported>()("EngineUnsupported", {
  host: Schema.String,
  detail: Schema.String,
}) {
  override get message(): string {
    return `the Docker engine at ${this.host} cannot be used: ${this.detail}; upgrade Docker to 20.10 or later`
  }
}

export class ImageNotFound extends Schema.TaggedError<ImageNotFound>()("ImageNotFound", {
  image: Schema.String,
}) {
  override get message(): string {
    return `no image ${this.image} on this Docker engine: build it (devvy builds its worker image itself) ` +
      `or load it with \`docker load\`; devvy never pulls`
  }
}

export class ContainerNotFound extends Schema.TaggedError<ContainerNotFound>()("ContainerNotFound", {
  id: Schema.String,
}) {
  override get message(): string {
    return `no container ${this.id}: it was removed (by \`docker rm\` or a cleanup); resume the ticket to start a new one`
  }
}

/** The engine refused because of the object's state: a name in use, a container not running, a running one removed. */
export class DockerConflict extends Schema.TaggedError<DockerConflict>()("DockerConflict", {
  detail: Schema.String,
}) {
  override get message(): string {
    return `Docker refused: ${this.detail}`
  }
}

export class BuildFailed extends Schema.TaggedError<BuildFailed>()("BuildFailed", {
  image: Schema.String,
  /** The failing step, e.g. `Step 3/5 : RUN npm ci`, when the engine got that far. */
  step: Schema.optional(Schema.String),
  /** That step's last output lines. */
  output: Schema.String,
  detail: Schema.String,
}) {
  override get message(): string {
    const at = this.step === undefined ? "" : ` at ${this.step}`
    const output = this.output === "" ? "" : `\n${this.output}`
    return `building image ${this.image} failed${at}: ${this.detail}${output}\nfix the Dockerfile or its context and run again`
  }
}

/** An exec could not be run or its stream broke (not a non-zero exit: that is a result). */
export class ExecFailed extends Schema.TaggedError<ExecFailed>()("ExecFailed", {
  containerId: Schema.String,
  command: Schema.String,
  detail: Schema.String,
}) {
  override get message(): string {
    return `running \`${this.command}\` in container ${this.containerId.slice(0, 12)} failed: ${this.detail}`
  }
}

export class ExecTimedOut extends Schema.TaggedError<ExecTimedOut>()("ExecTimedOut", {
  containerId: Schema.String,
  command: Schema.String,
  timeout: Schema.String,
}) {
  override get message(): string {
    return `\`${this.command}\` in container ${this.containerId.slice(0, 12)} ran longer than ${this.timeout} ` +
      "and was killed; raise the timeout if it needs longer"
  }
}

/** Any other refusal (bad request, server error after retries), with the engine's own words. */
export class DockerApiError extends Schema.TaggedError<DockerApiError>()("DockerApiError", {
  method: Schema.String,
  path: Schema.String,
  status: Schema.Number,
  detail: Schema.String,
}) {
  override get message(): string {
    return `Docker answered ${this.status} to ${this.method} ${this.path}: ${this.detail}`
  }
}

export type DockerError =
  | EngineUnreachable
  | EngineTlsInvalid
  | EngineUnsupported
  | ImageNotFound
  | ContainerNotFound
  | DockerConflict
  | BuildFailed
  | ExecFailed
  | ExecTimedOut
  | DockerApiError

/** TLS to a tcp:// engine cannot work as set up; `file` is the certificate (or the variable) to fix. */
export class EngineTlsInvalid extends Schema.TaggedError<EngineTlsInvalid>()("EngineTlsInvalid", {
  host: Schema.String,
  file: Schema.String,
  detail: Schema.String,
}) {
  override get message(): string {
    return `TLS to the Docker engine at ${this.host} does not work: ${this.file}: ${this.detail}; ` +
      "DOCKER_CERT_PATH (default ~/.docker) must hold ca.pem (the CA that signed the engine's certificate), " +
      "cert.pem and key.pem (a client certificate that engine trusts), as for the docker CLI"
  }
}

/** A folder could not be copied between this host and a container (the host side: a full disk, a bad archive). */
export class FolderCopyFailed extends Schema.TaggedError<FolderCopyFailed>()("FolderCopyFailed", {
  direction: Schema.Literal("into", "out of"),
  container: Schema.String,
  path: Schema.String,
  detail: Schema.String,
}) {
  override get message(): string {
    return `copying ${this.path} ${this.direction} container ${this.container.slice(0, 12)} failed: ${this.detail}`
  }
}
