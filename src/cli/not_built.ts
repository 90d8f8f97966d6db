import { Schema } from "effect"

/** A command whose machinery is not in this build: said plainly, never a pretended success. */
export class NotBuiltYet extends Schema.TaggedError<NotBuiltYet>()("NotBuiltYet", {
  what: Schema.String,
}) {
  override get message(): string {
    return `${this.what} is not built yet in this version of devvy`
  }
}
