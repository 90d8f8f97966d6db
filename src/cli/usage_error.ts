import * as Schema from "effect/Schema"

/** A command was called in a way it cannot work: a missing value with no terminal to ask on, say. */
export class UsageError extends Schema.TaggedError<UsageError>()("UsageError", {
  detail: Schema.String,
}) {
  override get message(): string {
    return this.detail
  }
}
