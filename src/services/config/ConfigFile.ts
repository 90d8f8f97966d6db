import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { parse, TomlError } from "smol-toml"
import { ConfigInvalid, ConfigSyntax } from "./ConfigError.ts"

/**
 * The TOML file exactly as users write it (SPEC §3): snake_case keys, every key optional so that an
 * environment variable can stand in for it. Unknown keys are rejected by decoding with
 * `onExcessProperty: "error"`.
 */
const Text = (what: string) =>
  Schema.String.pipe(Schema.nonEmptyString({ message: () => `expected ${what}, got an empty string` }))

const HttpUrl = Schema.String.pipe(
  Schema.filter((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), {
    message: (issue) =>
      `expected an http(s) URL such as https://dev.azure.com/org, got ${JSON.stringify(issue.actual)}`,
  }),
)

const ModelName = Schema.String.pipe(
  Schema.pattern(/^[^/\s]+\/\S+$/, {
    message: (issue) =>
      `expected provider/model such as github-copilot/claude-sonnet-4.6, got ${JSON.stringify(issue.actual)}`,
  }),
)

const DockerHost = Schema.String.pipe(
  Schema.pattern(/^(unix:\/\/\/.+|tcp:\/\/[^/]+)$/, {
    message: (issue) => `expected unix:///path/to/docker.sock or tcp://host:port, got ${JSON.stringify(issue.actual)}`,
  }),
)

/** GitHub's `author_association` values (REST comment payloads). */
const associations = [
  "OWNER",
  "MEMBER",
  "COLLABORATOR",
  "CONTRIBUTOR",
  "FIRST_TIME_CONTRIBUTOR",
  "FIRST_TIMER",
  "MANNEQUIN",
  "NONE",
] as const
const AuthorAssociation = Schema.String.pipe(
  Schema.filter((s) => (associations as ReadonlyArray<string>).includes(s.toUpperCase()), {
    message: (issue) => `expected one of ${associations.join(", ")}, got ${JSON.stringify(issue.actual)}`,
  }),
)

const WorkspaceMode = Schema.String.pipe(
  Schema.filter((s): s is "bind" | "copy" => s === "bind" || s === "copy", {
    message: (issue) =>
      `expected "bind" (the workspace mounted from this host) or "copy" (copied into the container, ` +
      `for an engine on another host), got ${JSON.stringify(issue.actual)}`,
  }),
)

const Count = (min: number) =>
  Schema.Number.pipe(
    Schema.int({ message: (issue) => `expected a whole number, got ${JSON.stringify(issue.actual)}` }),
    Schema.greaterThanOrEqualTo(min, {
      message: (issue) => `expected a number of at least ${min}, got ${JSON.stringify(issue.actual)}`,
    }),
  )

const Dollars = Schema.Number.pipe(
  Schema.positive({ message: (issue) => `expected an amount of dollars above 0, got ${JSON.stringify(issue.actual)}` }),
)

export const ConfigFile = Schema.Struct({
  model: Schema.optional(ModelName),
  repo_url: Schema.optional(Text("a repository URL or path")),
  env_file: Schema.optional(Text("the path of a .env file")),
  ado: Schema.optional(Schema.Struct({
    org_url: Schema.optional(HttpUrl),
    project: Schema.optional(Text("a project name")),
    pat: Schema.optional(Schema.Redacted(Text("a personal access token"))),
    watch_tag: Schema.optional(Text("a work item tag")),
  })),
  github: Schema.optional(Schema.Struct({
    token: Schema.optional(Schema.Redacted(Text("a GitHub token"))),
    api_url: Schema.optional(HttpUrl),
    trusted_associations: Schema.optional(Schema.Array(AuthorAssociation)),
    watch_label: Schema.optional(Text("a label name")),
  })),
  agent: Schema.optional(Schema.Struct({
    poll_interval_seconds: Schema.optional(Count(1)),
    max_fix_attempts: Schema.optional(Count(0)),
    max_check_fix_attempts: Schema.optional(Count(0)),
    opencode_config: Schema.optional(Text("the path of an opencode.json")),
    stall_timeout_seconds: Schema.optional(Count(1)),
    phase_timeout_seconds: Schema.optional(Count(1)),
    ignore_authors: Schema.optional(Schema.Array(Text("an author name"))),
    max_cost_usd: Schema.optional(Dollars),
    max_tokens: Schema.optional(Count(1)),
  })),
  docker: Schema.optional(Schema.Struct({
    host: Schema.optional(DockerHost),
    worker_image: Schema.optional(Text("an image name such as devvy-worker:latest")),
    network: Schema.optional(Text("a network mode such as bridge or host")),
    ca_bundle: Schema.optional(Text("the path of a PEM CA bundle")),
    workspace_mode: Schema.optional(WorkspaceMode),
  })),
  git: Schema.optional(Schema.Struct({
    author_name: Schema.optional(Text("a name")),
    author_email: Schema.optional(Text("an email address")),
  })),
})
export type ConfigFile = typeof ConfigFile.Type

type Kind = "string" | "number" | "list"

/**
 * github.token's environment variables, first match wins, as the gh CLI reads them: GH_TOKEN and GITHUB_TOKEN
 * are github.com's, and an Enterprise Server host has its own pair, so a github.com token never goes there.
 */
export const githubTokenEnv = {
  githubCom: ["DEVVY_GITHUB_TOKEN", "GH_TOKEN", "GITHUB_TOKEN"],
  enterpriseServer: ["DEVVY_GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"],
} as const

/**
 * Every key with the environment variables that override it, first match wins. The names SPEC §3
 * documents come first; every other key gets DEVVY_<SECTION>_<KEY>.
 */
export const configKeys: ReadonlyArray<
  { readonly key: string; readonly env: ReadonlyArray<string>; readonly kind: Kind }
> = [
  { key: "model", env: ["DEVVY_MODEL"], kind: "string" },
  { key: "repo_url", env: ["DEVVY_REPO_URL"], kind: "string" },
  { key: "env_file", env: ["DEVVY_ENV_FILE"], kind: "string" },
  { key: "ado.org_url", env: ["DEVVY_ADO_ORG_URL"], kind: "string" },
  { key: "ado.project", env: ["DEVVY_ADO_PROJECT"], kind: "string" },
  { key: "ado.pat", env: ["DEVVY_ADO_PAT", "AZURE_DEVOPS_EXT_PAT"], kind: "string" },
  { key: "ado.watch_tag", env: ["DEVVY_ADO_WATCH_TAG"], kind: "string" },
  { key: "github.token", env: githubTokenEnv.githubCom, kind: "string" },
  { key: "github.api_url", env: ["DEVVY_GITHUB_API_URL"], kind: "string" },
  { key: "github.trusted_associations", env: ["DEVVY_GITHUB_TRUSTED_ASSOCIATIONS"], kind: "list" },
  { key: "github.watch_label", env: ["DEVVY_GITHUB_WATCH_LABEL"], kind: "string" },
  { key: "agent.poll_interval_seconds", env: ["DEVVY_POLL_INTERVAL"], kind: "number" },
  { key: "agent.max_fix_attempts", env: ["DEVVY_MAX_FIX_ATTEMPTS"], kind: "number" },
  { key: "agent.max_check_fix_attempts", env: ["DEVVY_MAX_CHECK_FIX_ATTEMPTS"], kind: "number" },
  { key: "agent.opencode_config", env: ["DEVVY_OPENCODE_CONFIG"], kind: "string" },
  { key: "agent.stall_timeout_seconds", env: ["DEVVY_STALL_TIMEOUT"], kind: "number" },
  { key: "agent.phase_timeout_seconds", env: ["DEVVY_PHASE_TIMEOUT"], kind: "number" },
  { key: "agent.ignore_authors", env: ["DEVVY_IGNORE_AUTHORS"], kind: "list" },
  { key: "agent.max_cost_usd", env: ["DEVVY_MAX_COST_USD"], kind: "number" },
  { key: "agent.max_tokens", env: ["DEVVY_MAX_TOKENS"], kind: "number" },
  { key: "docker.host", env: ["DOCKER_HOST"], kind: "string" },
  { key: "docker.worker_image", env: ["DEVVY_WORKER_IMAGE"], kind: "string" },
  { key: "docker.network", env: ["DEVVY_DOCKER_NETWORK"], kind: "string" },
  { key: "docker.ca_bundle", env: ["DEVVY_CA_BUNDLE"], kind: "string" },
  { key: "docker.workspace_mode", env: ["DEVVY_WORKSPACE_MODE"], kind: "string" },
  { key: "git.author_name", env: ["DEVVY_GIT_AUTHOR_NAME"], kind: "string" },
  { key: "git.author_email", env: ["DEVVY_GIT_AUTHOR_EMAIL"], kind: "string" },
]

/** Sets a dotted key (`ado.pat`) in a parsed TOML table, making the sections it needs. */
export const setKey = (table: Record<string, unknown>, key: string, value: unknown): void => {
  const parts = key.split(".")
  let node = table
  for (const part of parts.slice(0, -1)) {
    const next = node[part]
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[part] = {}
    node = node[part] as Record<string, unknown>
  }
  node[parts[parts.length - 1]] = value
}

/** The keys of the section an unknown key sits in, so the message shows what was probably meant. */
const knownKeysNear = (key: string): string => {
  const section = key.includes(".") ? key.slice(0, key.lastIndexOf(".") + 1) : ""
  return configKeys
    .map((k) => k.key)
    .filter((k) => k.startsWith(section))
    .map((k) => k.slice(section.length).split(".")[0])
    .filter((k, i, all) => all.indexOf(k) === i)
    .join(", ")
}

const decode = Schema.decodeUnknownEither(ConfigFile, { onExcessProperty: "error", errors: "first" })

/**
 * Decodes a parsed file; the first problem becomes a ConfigInvalid naming the key and, through
 * `sourceOf`, where the value came from (the file or an environment variable).
 */
export const decodeConfigFile = (
  table: Record<string, unknown>,
  sourceOf: (key: string) => string,
): Effect.Effect<ConfigFile, ConfigInvalid> =>
  Either.match(decode(table), {
    onRight: Effect.succeed,
    onLeft: (error) => {
      const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
      const key = issue.path.map(String).join(".")
      const expected = issue._tag === "Unexpected" ? `is not a known key (known: ${knownKeysNear(key)})` : issue.message
      return Effect.fail(new ConfigInvalid({ source: sourceOf(key), key, expected }))
    },
  })

/** Parses TOML text; a syntax error names the file, line and column. */
export const parseToml = (path: string, text: string) =>
  Effect.try({
    try: () => parse(text) as Record<string, unknown>,
    catch: (error) =>
      error instanceof TomlError
        ? new ConfigSyntax({ path, line: error.line, column: error.column, detail: error.message.split("\n")[0] })
        : new ConfigSyntax({ path, line: 0, column: 0, detail: String(error) }),
  })
