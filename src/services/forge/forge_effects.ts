/** Small pieces every REST forge adapter shares. */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"

/** Runs `effect` until it succeeds once, then answers from memory; failures are not kept. */
export const onceSucceeded = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Ref.make(Option.none<A>()), (ref) =>
    Effect.flatMap(Ref.get(ref), (cached) =>
      Option.match(cached, {
        onSome: Effect.succeed,
        onNone: () => Effect.tap(effect, (value) => Ref.set(ref, Option.some(value))),
      })))

const TRUNCATED = "\n\n… (truncated)"

/** A forge refuses text past its limit; the rest of a long summary or reply is not worth a failed ticket. */
export const capText = (max: number) => (text: string): string =>
  text.length <= max ? text : text.slice(0, max - TRUNCATED.length) + TRUNCATED
