/** A ticket as the store hands one back, for tests of what is made of a ticket (views, comments, budgets). */
import { Ticket } from "../../src/domain/Ticket.ts"
import { TicketId } from "../../src/domain/TicketId.ts"

export type TicketFields = Partial<ConstructorParameters<typeof Ticket>[0]>

/** A fresh ticket in PLAN with no pull request yet; a test overrides the fields it is about. */
export const aTicket = (overrides: TicketFields = {}): Ticket =>
  new Ticket({
    id: TicketId.make("3fa9c2"),
    title: "Say hello",
    description: "",
    repoUrl: "/r",
    model: "m/m",
    state: "PLAN",
    branch: "agent/3fa9c2",
    prNumber: null,
    prUrl: null,
    opencodeSession: null,
    retryCount: 0,
    error: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  })
