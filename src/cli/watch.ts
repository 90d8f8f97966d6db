import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"

const options = {
  query: Options.text("query").pipe(
    Options.withDescription(
      "a WIQL WHERE condition choosing the work items to pick up, instead of the ado.watch_tag tag (Azure DevOps only; " +
        "always within the configured project)",
    ),
    Options.optional,
  ),
  maxParallel: Options.integer("max-parallel").pipe(
    Options.withDescription("how many tickets this process drives at once; the rest wait in creation order"),
    Options.withDefault(2),
  ),
}

export type WatchFlags = Command.Command.ParseConfig<typeof options>

export const watchCommand = Command.make(
  "watch",
  options,
  (flags) => Effect.flatMap(Effect.promise(() => import("./watch_work.ts")), (watch) => watch.runWatch(flags)),
).pipe(
  Command.withDescription(
    "Pick up tagged work items (or labelled GitHub issues) every poll_interval and drive their tickets in this one " +
      "process until Ctrl-C",
  ),
)
