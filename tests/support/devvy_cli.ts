import { Effect, Schema } from "effect"
import assert from "node:assert/strict"
import * as path from "node:path"
import { TicketId } from "../../src/domain/TicketId.ts"

const main = new URL("../../main.ts", import.meta.url).pathname

/** `deno run` of the program from source with these arguments. */
export const devvyArgs = (args: ReadonlyArray<string>): Array<string> => ["run", "-A", main, ...args]

/** The whole environment devvy gets: the test's home and `env`, so the machine's config cannot leak in. */
export const devvyEnv = (home: string, env: Record<string, string>): Record<string, string> => ({
  PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  HOME: home,
  DEVVY_HOME: home,
  DEVVY_CONFIG: path.join(home, "config.toml"),
  DENO_DIR: Deno.env.get("DENO_DIR") ?? path.join(Deno.env.get("HOME") ?? "/root", ".cache", "deno"),
  ...env,
})

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs the real `devvy` program from source as a user would, with no terminal (stdin closed), in a
 * DEVVY_HOME of the test's own. Only the variables given reach it, so the machine's config cannot leak in.
 */
export const devvy = async (
  home: string,
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
): Promise<CliResult> => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: devvyArgs(args),
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    clearEnv: true,
    env: devvyEnv(home, env),
  }).output()
  const decoder = new TextDecoder()
  return { code: output.code, stdout: decoder.decode(output.stdout), stderr: decoder.decode(output.stderr) }
}

/** The CLI, as a user in another terminal would run it, with the test's environment. */
export const cli = (home: string, env: Record<string, string>) => (...args: ReadonlyArray<string>) =>
  Effect.promise(() => devvy(home, args, env))

const Status = Schema.Struct({
  state: Schema.String,
  process: Schema.String,
  history: Schema.Array(Schema.Struct({ to: Schema.String })),
})

/** `devvy run -d` with `args`: it must exit 0, and what it prints is the new ticket's id. */
export const detached = (run: ReturnType<typeof cli>, ...args: ReadonlyArray<string>) =>
  Effect.flatMap(run("run", "-d", ...args), (started) => {
    assert.equal(started.code, 0, started.stderr)
    return Schema.decodeUnknown(TicketId)(started.stdout.trim())
  }).pipe(Effect.orDie)

/** What `devvy status <id> --json` says of the ticket. */
export const statusOf = (run: ReturnType<typeof cli>, id: string) =>
  Effect.flatMap(run("status", id, "--json"), (r) => Schema.decodeUnknown(Schema.parseJson(Status))(r.stdout)).pipe(
    Effect.orDie,
  )

/** Probes every 300 ms until `ready` holds, for at most 270 s. */
export const until = <A>(probe: Effect.Effect<A>, ready: (a: A) => boolean, what: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 900; i++) {
      const value = yield* probe
      if (ready(value)) return value
      yield* Effect.sleep("300 millis")
    }
    return yield* Effect.dieMessage(`timed out waiting for ${what}`)
  })

/** The pid in a PROCESS cell reading `Running (pid N)`, or 0. */
export const driverPid = (process: string) => Number(/Running \(pid (\d+)\)/.exec(process)?.[1] ?? 0)
