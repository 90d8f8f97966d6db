import * as Schema from "effect/Schema"

/** Six lowercase hex characters: short enough to type, checked before anything is read. */
export const TicketId = Schema.String.pipe(
  Schema.pattern(/^[0-9a-f]{6}$/, {
    message: () => "a ticket id is 6 lowercase hex characters, such as 3fa9c2",
  }),
  Schema.brand("TicketId"),
)
export type TicketId = typeof TicketId.Type

export const isTicketId = Schema.is(TicketId)

/** A fresh random id; collisions are checked by the store's primary key. */
export const randomTicketId = (): TicketId => {
  const bytes = crypto.getRandomValues(new Uint8Array(3))
  return TicketId.make(Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(""))
}

/** The branch a ticket's work lives on. */
export const branchName = (id: TicketId): string => `agent/${id}`
