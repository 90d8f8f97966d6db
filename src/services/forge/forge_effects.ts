/** Small pieces every REST forge adapter shares. */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type { ForgeError } from "./ForgeError.ts"

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

/** What `lookup` finds, else `otherwise`: a create that met its duplicate looks for the one that won first. */
export const foundOr = <A, E, B, E2>(
  lookup: Effect.Effect<Option.Option<A>, E>,
  otherwise: Effect.Effect<B, E2>,
): Effect.Effect<A | B, E | E2> =>
  Effect.flatMap(
    lookup,
    Option.match({ onSome: (found): Effect.Effect<A | B, E2> => Effect.succeed(found), onNone: () => otherwise }),
  )

/**
 * Posts once: when the answer is lost (`ForgeUnavailable` after the server may have acted) the post may
 * have landed, so `alreadyPosted` looks for it on the forge before posting a second time.
 */
export const postOnce = <A>(
  post: Effect.Effect<A, ForgeError>,
  alreadyPosted: Effect.Effect<Option.Option<A>, ForgeError>,
): Effect.Effect<A, ForgeError> => Effect.catchTag(post, "ForgeUnavailable", () => foundOr(alreadyPosted, post))
