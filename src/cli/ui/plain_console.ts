import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { colorEnabled } from "./terminal.ts"

// deno-lint-ignore no-control-regex
const ansi = /\x1b\[[0-9;]*[A-Za-z]/g

/** Removes colour codes, for output that is not a terminal or when NO_COLOR is set. */
export const stripAnsi = (text: string): string => text.replace(ansi, "")

const strip = (args: ReadonlyArray<unknown>) => args.map((arg) => typeof arg === "string" ? stripAnsi(arg) : arg)

/**
 * @effect/cli renders help and errors with colours whatever the output is; this console takes them out
 * where colour is off, so every command honours NO_COLOR and pipes get plain text.
 */
export const withPlainConsole = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  colorEnabled()
    ? effect
    : Effect.flatMap(Console.consoleWith(Effect.succeed), (console) =>
      Console.withConsole(effect, {
        ...console,
        log: (...args) => console.log(...strip(args)),
        error: (...args) => console.error(...strip(args)),
        info: (...args) => console.info(...strip(args)),
        warn: (...args) => console.warn(...strip(args)),
        unsafe: {
          ...console.unsafe,
          log: (...args) => console.unsafe.log(...strip(args)),
          error: (...args) => console.unsafe.error(...strip(args)),
        },
      }))
