/**
 * What @effect/vitest's `it.effect` does, for `deno test`: provide the test's layer (and TestContext,
 * so `TestClock` drives time), run the effect, and fail the test with the full cause.
 */
import { Cause, Effect, Exit, type Layer, type Scope, TestContext } from "effect"

type TestOptions = Omit<Deno.TestDefinition, "name" | "fn">

const runTest = async <E>(effect: Effect.Effect<void, E>): Promise<void> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isFailure(exit)) throw new Error(Cause.pretty(exit.cause))
}

const define = (withTestContext: boolean) =>
<E, R, LE>(
  name: string,
  body: () => Effect.Effect<void, E, R | Scope.Scope>,
  layer: Layer.Layer<R, LE>,
  options: TestOptions = {},
): void =>
  Deno.test({
    name,
    ...options,
    fn: () => {
      // The test's own resources close before the layers they were built on.
      const scoped = Effect.scoped(Effect.suspend(body)).pipe(Effect.provide(layer))
      return runTest(withTestContext ? Effect.provide(scoped, TestContext.TestContext) : scoped)
    },
  })

export const it = {
  /** Runs with the test clock: sleeps and schedules advance only through `TestClock.adjust`. */
  effect: define(true),
  /** Runs on the real clock, for tests against real processes, sockets and engines. */
  live: define(false),
}
