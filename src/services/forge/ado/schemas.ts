/**
 * The parts of Azure DevOps' REST 7.1 payloads devvy reads. Unknown fields are ignored (the API is
 * open-schema); fields the service leaves out for some objects are optional here.
 */
import * as Schema from "effect/Schema"

export const AdoError = Schema.Struct({
  message: Schema.String,
  typeKey: Schema.optional(Schema.String),
})

export const ConnectionData = Schema.Struct({
  authenticatedUser: Schema.Struct({
    id: Schema.String,
    providerDisplayName: Schema.optional(Schema.String),
    customDisplayName: Schema.optional(Schema.String),
  }),
})

export const AdoRepository = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  /** Absent while the repository has no commit. */
  defaultBranch: Schema.optional(Schema.String),
  remoteUrl: Schema.optional(Schema.String),
  webUrl: Schema.optional(Schema.String),
})
export type AdoRepository = typeof AdoRepository.Type

export const AdoPullRequest = Schema.Struct({
  pullRequestId: Schema.Number,
  status: Schema.Literal("notSet", "active", "abandoned", "completed", "all"),
  title: Schema.String,
  sourceRefName: Schema.String,
  targetRefName: Schema.String,
  repository: Schema.optional(Schema.Struct({ webUrl: Schema.optional(Schema.String) })),
})
export type AdoPullRequest = typeof AdoPullRequest.Type

export const AdoIdentity = Schema.Struct({
  id: Schema.String,
  displayName: Schema.optional(Schema.String),
  uniqueName: Schema.optional(Schema.String),
  isContainer: Schema.optional(Schema.Boolean),
})

export const AdoComment = Schema.Struct({
  id: Schema.Number,
  parentCommentId: Schema.optional(Schema.Number),
  author: Schema.optional(AdoIdentity),
  /** Absent on deleted comments. */
  content: Schema.optional(Schema.String),
  commentType: Schema.optional(Schema.String),
  publishedDate: Schema.optional(Schema.String),
  isDeleted: Schema.optional(Schema.Boolean),
})
export type AdoComment = typeof AdoComment.Type

const Position = Schema.Struct({ line: Schema.Number })

export const AdoThread = Schema.Struct({
  id: Schema.Number,
  /** Absent on system threads. */
  status: Schema.optional(Schema.String),
  threadContext: Schema.optional(Schema.NullOr(Schema.Struct({
    filePath: Schema.optional(Schema.String),
    rightFileStart: Schema.optional(Schema.NullOr(Position)),
    leftFileStart: Schema.optional(Schema.NullOr(Position)),
  }))),
  comments: Schema.optionalWith(Schema.Array(AdoComment), { default: () => [] }),
  properties: Schema.optional(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown }))),
  isDeleted: Schema.optional(Schema.Boolean),
})
export type AdoThread = typeof AdoThread.Type

/** Azure DevOps wraps every list in `{ count, value }`. */
export const ListOf = <A, I>(item: Schema.Schema<A, I>) => Schema.Struct({ value: Schema.Array(item) })
