import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import { State } from "../../domain/State.ts"
import { TicketId } from "../../domain/TicketId.ts"
import { type Level, type NewLogLine, TicketLog } from "./TicketLog.ts"

/** The log annotations that route a line to a ticket's log: set once by whoever runs a ticket's phase. */
const keys = { ticket: "ticket", phase: "phase" } as const

/**
 * Everything `effect` logs (`Effect.logInfo`, `logWarning`, …) goes to ticket `id`'s log under `phase`.
 * The runner wraps each state in this, so states log without naming their ticket or phase.
 */
export const inTicketLog = (id: TicketId, phase: State) =>
  Effect.annotateLogs({ [keys.ticket]: id, [keys.phase]: phase })

/** The ticket's log is written in batches; `flush` writes what is pending now, before a stored transition. */
export class TicketLogger extends Context.Tag("devvy/TicketLogger")<TicketLogger, {
  readonly flush: Effect.Effect<void>
}>() {}

const isTicketId = Schema.is(TicketId)
const isState = Schema.is(State)

const levelOf = (level: LogLevel.LogLevel): Level =>
  LogLevel.greaterThanEqual(level, LogLevel.Error)
    ? "error"
    : LogLevel.greaterThanEqual(level, LogLevel.Warning)
    ? "warn"
    : LogLevel.greaterThanEqual(level, LogLevel.Info)
    ? "info"
    : "debug"

// Redacted values print as <redacted> here (the runtime logs within a redacting context), so a secret
// passed to a log call by mistake never reaches the store.
const textOf = (part: unknown): string => typeof part === "string" ? part : String(part)
const messageOf = (message: unknown): string => Array.isArray(message) ? message.map(textOf).join(" ") : textOf(message)

/** Often enough that `devvy logs -f` (which looks every half second) shows lines as they happen. */
const flushEvery = "200 millis"

/**
 * Log lines annotated with a ticket and a phase (see inTicketLog) go to the ticket's log, at every level
 * down to debug, in batches: every 200 ms, on `flush`, and when the layer closes. Other lines go to
 * Effect's default logger, as before.
 */
export const TicketLoggerLive: Layer.Layer<TicketLogger, never, TicketLog> = Layer.unwrapScoped(
  Effect.gen(function* () {
    const log = yield* TicketLog
    let pending: Array<NewLogLine> = []
    // One flush at a time, so batches reach the table in the order their lines were logged.
    const lock = yield* Effect.makeSemaphore(1)

    const logger = Logger.make((options) => {
      const ticket = HashMap.get(options.annotations, keys.ticket).pipe(Option.filter(isTicketId))
      const phase = HashMap.get(options.annotations, keys.phase).pipe(Option.filter(isState))
      if (Option.isNone(ticket) || Option.isNone(phase)) {
        if (LogLevel.greaterThanEqual(options.logLevel, LogLevel.Info)) Logger.defaultLogger.log(options)
        return
      }
      pending.push({
        ticketId: ticket.value,
        phase: phase.value,
        level: levelOf(options.logLevel),
        at: options.date.getTime(),
        message: messageOf(options.message),
      })
    })

    const flush = lock.withPermits(1)(Effect.suspend(() => {
      const batch = pending
      pending = []
      // A batch the store refused goes back in front, to be written with the next one.
      return log.appendAll(batch).pipe(Effect.onError(() => Effect.sync(() => void (pending = batch.concat(pending)))))
    }))

    yield* flush.pipe(
      Effect.catchAllCause(() => Effect.void),
      Effect.repeat(Schedule.spaced(flushEvery)),
      Effect.forkScoped,
    )
    yield* Effect.addFinalizer(() => flush)
    return Layer.mergeAll(
      Layer.succeed(TicketLogger, { flush }),
      Logger.replace(Logger.defaultLogger, logger),
      Logger.minimumLogLevel(LogLevel.Debug),
    )
  }),
)
