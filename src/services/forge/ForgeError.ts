import * as Schema from "effect/Schema"

/** 401, or the 203 sign-in page Azure DevOps answers a bad PAT with: never retried. */
export class ForgeAuthFailed extends Schema.TaggedError<ForgeAuthFailed>()("ForgeAuthFailed", {
  url: Schema.String,
  /** What to check; each forge names its own credential. */
  hint: Schema.optionalWith(Schema.String, { default: () => "check the PAT and its scopes (Code: read & write)" }),
}) {
  override get message(): string {
    return `authentication failed at ${this.url}: ${this.hint}`
  }
}

/** The repository, pull request or thread does not exist, or the PAT may not see it. */
export class ForgeNotFound extends Schema.TaggedError<ForgeNotFound>()("ForgeNotFound", {
  what: Schema.String,
  url: Schema.String,
  hint: Schema.optionalWith(Schema.String, { default: () => "check the repository URL and project" }),
}) {
  override get message(): string {
    return `${this.what} not found at ${this.url}: ${this.hint}`
  }
}

/** The forge refused the request as it stands (400, 409 other than a duplicate PR, 422). */
export class ForgeRejected extends Schema.TaggedError<ForgeRejected>()("ForgeRejected", {
  url: Schema.String,
  status: Schema.Number,
  detail: Schema.String,
}) {
  override get message(): string {
    return `the forge refused the request to ${this.url} (HTTP ${this.status}): ${this.detail}`
  }
}

/** Still failing after the retries for throttling, server errors and dropped connections. */
export class ForgeUnavailable extends Schema.TaggedError<ForgeUnavailable>()("ForgeUnavailable", {
  url: Schema.String,
  detail: Schema.String,
}) {
  override get message(): string {
    return `the forge at ${this.url} is unavailable: ${this.detail}; try again later (devvy resume continues the ticket)`
  }
}

export type ForgeError = ForgeAuthFailed | ForgeNotFound | ForgeRejected | ForgeUnavailable
