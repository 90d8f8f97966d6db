import * as Schema from "effect/Schema"

/** There is no config file where devvy looked for one. */
export class ConfigMissing extends Schema.TaggedError<ConfigMissing>()("ConfigMissing", {
  path: Schema.String,
}) {
  override get message(): string {
    return `no config file at ${this.path}: run \`devvy init\` to write one, or point DEVVY_CONFIG at yours`
  }
}

/** The file is not TOML at all. */
export class ConfigSyntax extends Schema.TaggedError<ConfigSyntax>()("ConfigSyntax", {
  path: Schema.String,
  line: Schema.Number,
  column: Schema.Number,
  detail: Schema.String,
}) {
  override get message(): string {
    return `${this.path}: not valid TOML at line ${this.line}, column ${this.column}: ${this.detail}`
  }
}

/** One key holds something devvy cannot use; `source` names the file or the environment variable. */
export class ConfigInvalid extends Schema.TaggedError<ConfigInvalid>()("ConfigInvalid", {
  source: Schema.String,
  key: Schema.String,
  expected: Schema.String,
}) {
  override get message(): string {
    return `${this.source}: key \`${this.key}\`: ${this.expected}`
  }
}

/** A setting that this command needs is set nowhere. */
export class ConfigRequired extends Schema.TaggedError<ConfigRequired>()("ConfigRequired", {
  path: Schema.String,
  key: Schema.String,
  env: Schema.String,
}) {
  override get message(): string {
    return `${this.path}: key \`${this.key}\` is required: set it there (devvy init does) or in ${this.env}`
  }
}

export type ConfigError = ConfigMissing | ConfigSyntax | ConfigInvalid | ConfigRequired
