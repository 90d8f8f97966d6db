/**
 * What @effect/vitest's `it.effect` does, for `deno test`: provide the test's layer, if it has one (and
 * TestContext, so `TestClock` drives time), run the effect, and fail the test with the full cause.
 */
import { Cause, Effect, Exit, Layer, type Scope, TestContext } from "effect"

type TestOptions = Omit<Deno.TestDefinition, "name" | "fn">

interface Define {
  <E>(name: string, body: () => Effect.Effect<void, E, Scope.Scope>, options?: TestOptions): void
  <E, R, LE>(
    name: string,
    body: () => Effect.Effect<void, E, R | Scope.Scope>,
    layer: Layer.Layer<R, LE>,
    options?: TestOptions,
  ): void
}

const runTest = async <E>(effect: Effect.Effect<void, E>): Promise<void> => {
  const exit = await Effect.runPromiseExit(effect)
  if (Exit.isFailure(exit)) throw new Error(Cause.pretty(exit.cause))
}

const define = (withTestContext: boolean): Define =>
<E, R, LE>(
  name: string,
  body: () => Effect.Effect<void, E, R | Scope.Scope>,
  layerOrOptions?: Layer.Layer<R, LE> | TestOptions,
  more: TestOptions = {},
): void => {
  const layer = Layer.isLayer(layerOrOptions) ? layerOrOptions as Layer.Layer<R, LE> : undefined
  const options = Layer.isLayer(layerOrOptions) ? more : layerOrOptions ?? {}
  Deno.test({
    name,
    ...options,
    fn: () => {
      // The test's own resources close before the layers they were built on.
      const scoped = Effect.scoped(Effect.suspend(body))
      // Without a layer, the body needs nothing but its scope: R is never.
      const provided = layer === undefined ? scoped as Effect.Effect<void, E | LE> : Effect.provide(scoped, layer)
      return runTest(withTestContext ? Effect.provide(provided, TestContext.TestContext) : provided)
    },
  })
}

export const it = {
  /** Runs with the test clock: sleeps and schedules advance only through `TestClock.adjust`. */
  effect: define(true),
  /** Runs on the real clock, for tests against real processes, sockets and engines. */
  live: define(false),
}
