import { SqlClient } from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { State } from "../../domain/State.ts"
import type { TicketId } from "../../domain/TicketId.ts"

/** Tokens and cost as opencode reports them per step; input excludes what was read from the cache. */
export class Usage extends Schema.Class<Usage>("Usage")({
  input: Schema.Number,
  output: Schema.Number,
  reasoning: Schema.Number,
  cacheRead: Schema.Number,
  cacheWrite: Schema.Number,
  cost: Schema.Number,
}) {
  static readonly zero = new Usage({ input: 0, output: 0, reasoning: 0, cacheRead: 0, cacheWrite: 0, cost: 0 })

  plus(that: Usage): Usage {
    return new Usage({
      input: this.input + that.input,
      output: this.output + that.output,
      reasoning: this.reasoning + that.reasoning,
      cacheRead: this.cacheRead + that.cacheRead,
      cacheWrite: this.cacheWrite + that.cacheWrite,
      cost: this.cost + that.cost,
    })
  }
}

export class PhaseUsage extends Schema.Class<PhaseUsage>("PhaseUsage")({ phase: State, usage: Usage }) {}

const UsageRow = Schema.Struct({
  phase: State,
  input_tokens: Schema.Number,
  output_tokens: Schema.Number,
  reasoning_tokens: Schema.Number,
  cache_read_tokens: Schema.Number,
  cache_write_tokens: Schema.Number,
  cost: Schema.Number,
})
const decodeRows = Schema.decodeUnknown(Schema.Array(UsageRow))

/** Phases in the order a ticket goes through them, so `status` lists them as they happened. */
const phaseOrder = State.literals

/** Tokens and cost per ticket and phase, added to as each agent run reports them. */
export class AgentUsage extends Effect.Service<AgentUsage>()("devvy/AgentUsage", {
  effect: Effect.gen(function* () {
    const sql = yield* SqlClient

    const add = Effect.fn("AgentUsage.add")(function* (id: TicketId, phase: State, usage: Usage) {
      yield* sql`INSERT INTO agent_usage (ticket_id, phase, input_tokens, output_tokens, reasoning_tokens,
                   cache_read_tokens, cache_write_tokens, cost)
                 VALUES (${id}, ${phase}, ${usage.input}, ${usage.output}, ${usage.reasoning},
                   ${usage.cacheRead}, ${usage.cacheWrite}, ${usage.cost})
                 ON CONFLICT (ticket_id, phase) DO UPDATE SET
                   input_tokens = input_tokens + excluded.input_tokens,
                   output_tokens = output_tokens + excluded.output_tokens,
                   reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
                   cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
                   cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
                   cost = cost + excluded.cost`.pipe(Effect.orDie)
    })

    /** The totals of each phase that used the agent, in state-machine order; `devvy status` shows these. */
    const byPhase = Effect.fn("AgentUsage.byPhase")(function* (id: TicketId) {
      const rows = yield* sql`SELECT phase, input_tokens, output_tokens, reasoning_tokens, cache_read_tokens,
                                cache_write_tokens, cost FROM agent_usage WHERE ticket_id = ${id}`.pipe(
        Effect.flatMap(decodeRows),
        Effect.orDie,
      )
      return rows
        .map((row) =>
          new PhaseUsage({
            phase: row.phase,
            usage: new Usage({
              input: row.input_tokens,
              output: row.output_tokens,
              reasoning: row.reasoning_tokens,
              cacheRead: row.cache_read_tokens,
              cacheWrite: row.cache_write_tokens,
              cost: row.cost,
            }),
          })
        )
        .sort((a, b) => phaseOrder.indexOf(a.phase) - phaseOrder.indexOf(b.phase))
    })

    /** All phases together. */
    const total = Effect.fn("AgentUsage.total")(function* (id: TicketId) {
      return (yield* byPhase(id)).reduce((sum, p) => sum.plus(p.usage), Usage.zero)
    })

    return { add, byPhase, total } as const
  }),
}) {}
