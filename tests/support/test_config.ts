import { Duration, Option } from "effect"
import type { AppConfigShape } from "../../src/services/config/AppConfig.ts"

/** A loaded configuration with the defaults, for tests that provide AppConfig directly. */
export const testConfig = (
  sections: { readonly ado?: Partial<AppConfigShape["ado"]>; readonly github?: Partial<AppConfigShape["github"]> } = {},
): AppConfigShape => ({
  path: "/home/user/.coding-agent.toml",
  fileFound: true,
  model: Option.none(),
  repoUrl: Option.none(),
  envFile: Option.none(),
  ado: { orgUrl: Option.none(), project: Option.none(), pat: Option.none(), watchTag: "devvy", ...sections.ado },
  github: {
    token: Option.none(),
    // A token given here stands for the file's, which every host reads when its variables are unset.
    enterpriseToken: sections.github?.token ?? Option.none(),
    apiUrl: "https://api.github.com",
    trustedAssociations: ["OWNER", "MEMBER", "COLLABORATOR"],
    watchLabel: "devvy",
    ...sections.github,
  },
  agent: {
    pollInterval: Duration.seconds(30),
    maxFixAttempts: 3,
    maxCheckFixAttempts: 3,
    opencodeConfig: Option.none(),
    stallTimeout: Duration.minutes(10),
    phaseTimeout: Duration.hours(1),
    ignoreAuthors: [],
    maxCostUsd: Option.none(),
    maxTokens: Option.none(),
  },
  docker: {
    host: "unix:///var/run/docker.sock",
    workerImage: "w",
    network: "bridge",
    caBundle: Option.none(),
    tlsCertPath: Option.none(),
    workspaceMode: "bind",
  },
  git: { authorName: "devvy", authorEmail: "devvy@users.noreply.local" },
})
