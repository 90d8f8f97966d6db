import * as Command from "@effect/cli/Command"
import { cancelCommand } from "./cancel.ts"
import { initCommand } from "./init.ts"
import { logsCommand } from "./logs.ts"
import { psCommand } from "./ps.ts"
import { resumeCommand } from "./resume.ts"
import { reviewCommand } from "./review.ts"
import { runCommand } from "./run.ts"
import { statusCommand } from "./status.ts"
import { watchCommand } from "./watch.ts"

export const version = "0.1.0"

const devvy = Command.make("devvy").pipe(
  Command.withDescription(
    "An autonomous coding agent: give it a ticket and it plans, implements, validates, opens a pull request " +
      "and answers review comments until the pull request is merged.",
  ),
  Command.withSubcommands([
    initCommand,
    runCommand,
    psCommand,
    statusCommand,
    logsCommand,
    resumeCommand,
    cancelCommand,
    reviewCommand,
    watchCommand,
  ]),
)

export const cli = Command.run(devvy, { name: "devvy", version })
