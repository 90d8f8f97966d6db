import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import process from "node:process"
import { cli } from "./src/cli/root.ts"
import { ExitCode, toExitCode } from "./src/cli/exit.ts"
import { DevvyPaths } from "./src/services/config/DevvyPaths.ts"
import { withPlainConsole } from "./src/cli/ui/plain_console.ts"

const program = cli(process.argv).pipe(
  Effect.as(ExitCode.ok),
  withPlainConsole,
  Effect.provide(Layer.merge(DevvyPaths.layer, NodeContext.layer)),
  Effect.exit,
  Effect.flatMap(toExitCode),
)

// Started from a timer, once this module's evaluation has ended: Deno keeps V8's compiled code of the bundle's
// modules only after the entry module has evaluated and the event loop has turned. A command that reached its exit
// without one asynchronous wait (`ps` and `status` wait only on the config file's stat, an accident) would leave
// nothing cached and compile every module afresh at each start: 15-18 ms more for `ps`, measured.
setTimeout(() =>
  NodeRuntime.runMain(program, {
    disableErrorReporting: true,
    // The program turns every failure into an exit code itself; only an interrupt (Ctrl-C) ends it otherwise.
    // Exiting here, success included, spares the wait for the runtime to wind down its signal listeners.
    teardown: (exit) =>
      process.exit(Exit.isSuccess(exit) && typeof exit.value === "number" ? exit.value : ExitCode.interrupted),
  })
)
