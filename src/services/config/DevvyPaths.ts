import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as os from "node:os"
import * as path from "node:path"
import type { TicketId } from "../../domain/TicketId.ts"

/** Where devvy keeps its config, database and workspaces (SPEC §3). */
export class DevvyPaths extends Context.Tag("devvy/DevvyPaths")<DevvyPaths, {
  readonly home: string
  readonly config: string
  readonly database: string
  readonly workspaces: string
}>() {
  static readonly make = Effect.gen(function* () {
    const userHome = yield* Config.string("HOME").pipe(Config.withDefault(os.homedir()))
    const home = yield* Config.string("DEVVY_HOME").pipe(Config.withDefault(path.join(userHome, ".devvy")))
    const config = yield* Config.string("DEVVY_CONFIG").pipe(
      Config.withDefault(path.join(userHome, ".coding-agent.toml")),
    )
    return DevvyPaths.of({
      home: path.resolve(home),
      config: path.resolve(config),
      database: path.resolve(home, "devvy.db"),
      workspaces: path.resolve(home, "workspaces"),
    })
  })

  /** Read from the environment: HOME, DEVVY_HOME, DEVVY_CONFIG. */
  static readonly layer = Layer.effect(DevvyPaths, DevvyPaths.make.pipe(Effect.orDie))

  static readonly at = (home: string, config = path.join(home, "config.toml")) =>
    Layer.succeed(DevvyPaths, {
      home,
      config,
      database: path.join(home, "devvy.db"),
      workspaces: path.join(home, "workspaces"),
    })
}

export const workspaceDir = (paths: DevvyPaths["Type"], id: TicketId): string => path.join(paths.workspaces, id)
