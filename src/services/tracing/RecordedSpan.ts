import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Exit from "effect/Exit"
import type * as Option from "effect/Option"
import type * as Tracer from "effect/Tracer"

/** A finished span as devvy stores and exports it. */
export interface FinishedSpan {
  readonly traceId: string
  readonly spanId: string
  readonly parentSpanId: string | undefined
  readonly ticketId: string | undefined
  readonly name: string
  readonly kind: Tracer.SpanKind
  readonly startNs: bigint
  readonly endNs: bigint
  readonly ok: boolean
  readonly error: string | undefined
  readonly attributes: Readonly<Record<string, string | number | boolean>>
}

const randomHex = (bytes: number): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("")

/** Attribute values as OTLP and JSON can carry them. */
const plain = (value: unknown): string | number | boolean =>
  typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? value
    : typeof value === "bigint"
    ? Number(value)
    : String(value)

/**
 * A span that hands itself to `onEnd` when it ends. The ticket it belongs to is its own `devvy.ticket`
 * attribute or, failing that, its parent's, so calls deep inside a state are filed with their ticket.
 */
export class RecordedSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId = randomHex(8)
  readonly traceId: string
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly links: Array<Tracer.SpanLink>

  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind,
    private readonly inheritedTicket: string | undefined,
    private readonly hooks: {
      readonly onTicket: (spanId: string, ticketId: string) => void
      readonly onEnd: (span: FinishedSpan) => void
    },
  ) {
    this.traceId = parent._tag === "Some" ? parent.value.traceId : randomHex(16)
    this.status = { _tag: "Started", startTime }
    this.links = [...links]
  }

  get ticketId(): string | undefined {
    const own = this.attributes.get("devvy.ticket")
    return typeof own === "string" ? own : this.inheritedTicket
  }

  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    const startTime = this.status.startTime
    this.status = { _tag: "Ended", startTime, endTime, exit }
    const failed = Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)
    this.hooks.onEnd({
      traceId: this.traceId,
      spanId: this.spanId,
      parentSpanId: this.parent._tag === "Some" ? this.parent.value.spanId : undefined,
      ticketId: this.ticketId,
      name: this.name,
      kind: this.kind,
      startNs: startTime,
      endNs: endTime,
      ok: !failed,
      error: failed && Exit.isFailure(exit) ? Cause.pretty(exit.cause).split("\n")[0] : undefined,
      attributes: Object.fromEntries([...this.attributes].map(([k, v]) => [k, plain(v)])),
    })
  }

  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
    if (key === "devvy.ticket" && typeof value === "string") this.hooks.onTicket(this.spanId, value)
  }

  event(): void {}

  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
}
