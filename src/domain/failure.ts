/**
 * How a failure is read wherever it is handled: its sentence, and whether it is one of a named set of
 * errors. Sets are written as unions of error classes, so renaming a class or its tag breaks the build
 * instead of quietly moving a failure from one set to another.
 */
import * as Predicate from "effect/Predicate"

/** The sentence a failure tells the user: its message, or its text when it has none. */
export const messageOf = (error: unknown): string =>
  Predicate.hasProperty(error, "message") && typeof error.message === "string" && error.message !== ""
    ? error.message
    : String(error)

interface Tagged {
  readonly _tag: string
}

/** The tags of E that a list leaves out: `never` once it names them all. */
export type MissingTags<E extends Tagged, Tags extends ReadonlyArray<string>> = Exclude<E["_tag"], Tags[number]>

/**
 * A guard for the errors of the union E, given the list of their tags. The list may name only tags of E
 * and must name all of them: a class added to E without its tag here is a compile error.
 */
export const isOneOf = <E extends Tagged>() =>
<const Tags extends ReadonlyArray<E["_tag"]>>(
  tags: Tags & ([MissingTags<E, Tags>] extends [never] ? unknown : { readonly missing: MissingTags<E, Tags> }),
) =>
(error: unknown): error is E => tags.some((tag) => Predicate.isTagged(error, tag))
