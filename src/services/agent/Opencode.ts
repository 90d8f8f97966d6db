import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import type { State } from "../../domain/State.ts"
import type { TicketId } from "../../domain/TicketId.ts"
import { AppConfig } from "../config/AppConfig.ts"
import { TicketStore } from "../store/TicketStore.ts"
import { AgentCredentials } from "./AgentCredentials.ts"
import { type AgentExited, AgentModelInvalid, AgentSessionNotFound, AgentStalled, AgentTimeout } from "./AgentError.ts"
import { AgentRunner, type ProcessLine } from "./AgentRunner.ts"
import { reportActivity } from "../tracing/TicketActivity.ts"
import { AgentUsage } from "./AgentUsage.ts"
import { budgetTokens } from "./budget.ts"
import { describeLine, parseLine, toolTarget } from "./events.ts"
import { stripAnsi } from "./output_trim.ts"
import { isModelString, opencodeCommand } from "./opencode_command.ts"
import { initialRunState, isFinished, onStderr, onStdout, outcome, usageOf } from "./run_state.ts"

export interface RunInput {
  readonly ticketId: TicketId
  readonly phase: State
  /** The worker container's id. */
  readonly worker: string
  readonly model: string
  readonly prompt: string
  /** None starts a new session, stored on the ticket as soon as opencode names it; Some continues that one. */
  readonly session: Option.Option<string>
  readonly title: string
}

/** opencode's answer to `--session` with an id its database does not hold. */
const sessionLost = (input: RunInput, exited: AgentExited): AgentSessionNotFound | undefined =>
  Option.isSome(input.session) && /session not found/i.test(exited.stderr)
    ? new AgentSessionNotFound({ sessionId: input.session.value })
    : undefined

/** A line of the run at its level, in the log of the ticket and phase the caller runs in. */
const logAt = { debug: Effect.logDebug, info: Effect.logInfo, warn: Effect.logWarning, error: Effect.logError } as const

/** How long a run that has finished (its last step "stop") may take to exit before devvy ends it. */
const finishGrace = Duration.seconds(5)

export const make = Effect.gen(function* () {
  const config = yield* AppConfig
  const store = yield* TicketStore
  const agentUsage = yield* AgentUsage
  const credentials = yield* AgentCredentials
  const runner = yield* AgentRunner
  const stallSeconds = Duration.toSeconds(config.agent.stallTimeout)
  // Checked often enough to notice a stall or a finished run promptly, rarely enough to cost nothing.
  const tick = Duration.clamp(Duration.divide(config.agent.stallTimeout, 10).pipe(Option.getOrThrow), {
    minimum: Duration.millis(50),
    maximum: Duration.seconds(1),
  })

  const attempt = Effect.fnUntraced(function* (input: RunInput) {
    const process = yield* runner.start(
      input.worker,
      opencodeCommand({ ...input, userConfig: Option.isSome(config.agent.opencodeConfig) }),
    )
    yield* Effect.addFinalizer(() => process.kill)
    const state = yield* Ref.make(initialRunState)
    const lastEventAt = yield* Ref.make(yield* Clock.currentTimeMillis)

    const onLine = Effect.fnUntraced(function* ({ fd, line }: ProcessLine) {
      if (fd === "stderr") {
        yield* Ref.update(state, (s) => onStderr(s, stripAnsi(line)))
        if (line.trim() !== "") yield* Effect.logDebug(`opencode stderr: ${stripAnsi(line).trim()}`)
        return
      }
      yield* Ref.set(lastEventAt, yield* Clock.currentTimeMillis)
      const parsed = parseLine(line)
      const before = yield* Ref.get(state)
      const after = onStdout(before, parsed)
      yield* Ref.set(state, after)
      if (before.sessionId === undefined && after.sessionId !== undefined && Option.isNone(input.session)) {
        yield* store.update(input.ticketId, { opencodeSession: after.sessionId }).pipe(Effect.orDie)
      }
      const usage = usageOf(parsed)
      if (usage) {
        yield* agentUsage.add(input.ticketId, input.phase, usage)
        yield* reportActivity(input.ticketId, { _tag: "Usage", tokens: budgetTokens(usage), cost: usage.cost })
      }
      if (parsed._tag === "Event" && parsed.event._tag === "tool_use") {
        const { tool } = parsed.event.part
        yield* reportActivity(input.ticketId, { _tag: "Tool", tool, target: toolTarget(parsed.event) })
      }
      const { level, message } = describeLine(parsed)
      yield* logAt[level](message)
    })

    const consume = process.lines.pipe(Stream.runForEach(onLine), Effect.zipRight(process.exitCode))

    // Looked at every tick: "ended" once a finished run has idled past the grace; fails when nothing came
    // for too long.
    const check = Effect.gen(function* () {
      const idle = (yield* Clock.currentTimeMillis) - (yield* Ref.get(lastEventAt))
      if (isFinished(yield* Ref.get(state)) && idle >= Duration.toMillis(finishGrace)) {
        yield* Effect.logInfo("opencode finished its answer but did not exit: devvy ended it")
        return "ended" as const
      }
      if (idle >= Duration.toMillis(config.agent.stallTimeout)) {
        yield* Effect.logError(`opencode printed nothing for ${stallSeconds} s: devvy stopped it`)
        return yield* new AgentStalled({ phase: input.phase, seconds: stallSeconds })
      }
      return "running" as const
    })
    const watchdog = check.pipe(
      Effect.repeat({ schedule: Schedule.spaced(tick), until: (seen) => seen === "ended" }),
      Effect.as("ended" as const),
    )

    const exit = yield* Effect.raceFirst(consume, watchdog)
    return yield* Either.match(outcome(yield* Ref.get(state), exit), {
      onLeft: Effect.fail,
      onRight: Effect.succeed,
    })
  })

  const run = Effect.fn("Opencode.run")(function* (input: RunInput) {
    yield* Effect.annotateCurrentSpan({ "devvy.ticket": input.ticketId, "devvy.state": input.phase })
    if (!isModelString(input.model)) return yield* new AgentModelInvalid({ model: input.model })
    yield* credentials.beforeRun(input.ticketId)
    const phaseSeconds = Duration.toSeconds(config.agent.phaseTimeout)
    const result = yield* Effect.scoped(attempt(input)).pipe(
      Effect.timeoutFail({
        duration: config.agent.phaseTimeout,
        onTimeout: () => new AgentTimeout({ phase: input.phase, seconds: phaseSeconds }),
      }),
      Effect.catchTag("AgentExited", (exited) => Effect.fail(sessionLost(input, exited) ?? exited)),
      Effect.tapError((error) => Effect.logError(error.message)),
      Effect.ensuring(credentials.afterRun(input.ticketId)),
    )
    const { usage } = result
    yield* Effect.annotateCurrentSpan({
      "opencode.session": result.sessionId,
      "opencode.tokens.input": usage.input,
      "opencode.tokens.output": usage.output,
      "opencode.cost": usage.cost,
    })
    yield* Effect.logInfo(
      `agent done: ${usage.input} tokens in, ${usage.output} out, $${usage.cost.toFixed(4)}`,
    )
    return result
  })

  return { run } as const
})

/**
 * opencode in a ticket's worker: one run per phase, its events in the ticket's log, its tokens and cost in
 * the store, and never a hang: stdin closed, a stall timer, a phase timeout, and an end to runs that
 * finished but did not exit.
 */
export class Opencode extends Effect.Service<Opencode>()("devvy/Opencode", { effect: make }) {}
