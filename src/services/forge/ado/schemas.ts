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

/** A work item at `$expand=relations` or `all`: fields are open-ended, so kept as unknown and read one by one. */
export const AdoWorkItem = Schema.Struct({
  id: Schema.Number,
  rev: Schema.optional(Schema.Number),
  fields: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  relations: Schema.optional(Schema.Array(Schema.Struct({
    rel: Schema.String,
    url: Schema.String,
    attributes: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  }))),
  /** Present where Azure Boards keeps some multiline fields as Markdown. */
  multilineFieldsFormat: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String })),
})
export type AdoWorkItem = typeof AdoWorkItem.Type

/** A batch answer with `errorPolicy=omit`: items that are gone or unreadable come back as null. */
export const AdoWorkItemBatch = Schema.Struct({ value: Schema.Array(Schema.NullOr(AdoWorkItem)) })

export const WiqlResult = Schema.Struct({
  workItems: Schema.Array(Schema.Struct({ id: Schema.Number })),
})

export const AdoWorkItemComment = Schema.Struct({
  id: Schema.Number,
  text: Schema.optional(Schema.String),
  createdBy: Schema.optional(Schema.Struct({ id: Schema.String })),
  isDeleted: Schema.optional(Schema.Boolean),
})

export const AdoWorkItemComments = Schema.Struct({
  comments: Schema.Array(AdoWorkItemComment),
  continuationToken: Schema.optional(Schema.NullOr(Schema.String)),
})
