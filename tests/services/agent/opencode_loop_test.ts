import assert from "node:assert/strict"
import { Deferred, Duration, Effect, Exit, Fiber, Option, Ref, TestClock } from "effect"
import type { TicketId } from "../../../src/domain/TicketId.ts"
import { AgentUsage } from "../../../src/services/agent/AgentUsage.ts"
import { Opencode, type RunInput } from "../../../src/services/agent/Opencode.ts"
import type { TicketLog } from "../../../src/services/store/TicketLog.ts"
import { inTicketLog, type TicketLogger } from "../../../src/services/store/TicketLogger.ts"
import { TicketStore } from "../../../src/services/store/TicketStore.ts"
import { it } from "../../support/effect_test.ts"
import { agentLayer, loggedLines } from "./agent_layer.ts"
import { event, fakeRunner, type FakeRuns, type FakeScript, stepFinish } from "./fake_runner.ts"

type Services = Opencode | TicketStore | TicketLog | TicketLogger | AgentUsage

const withAgent = <A, E>(
  script: FakeScript,
  body: (runs: FakeRuns) => Effect.Effect<A, E, Services>,
  settings: Record<string, string> = {},
) =>
  Effect.gen(function* () {
    const { runs, layer } = yield* fakeRunner(script)
    return yield* body(runs).pipe(
      Effect.provide(agentLayer(layer, (dir) => ({
        DEVVY_OPENCODE_CONFIG: `${dir}/opencode.json`,
        DEVVY_STALL_TIMEOUT: "60",
        DEVVY_PHASE_TIMEOUT: "600",
        ...settings,
      }))),
    )
  })

const newTicket = Effect.flatMap(
  TicketStore,
  (store) => store.create({ title: "Add /health", description: "200", repoUrl: "/tmp/r", model: "mock/m1" }),
)

const input = (ticketId: TicketId, session: Option.Option<string> = Option.none()): RunInput => ({
  ticketId,
  phase: "PLAN",
  worker: "worker-1",
  model: "mock/m1",
  prompt: "Plan it",
  session,
  title: "devvy ticket",
})

/** Starts the run, moves the test clock, and returns how the run ended. */
const runFor = (
  runs: FakeRuns,
  ticketId: TicketId,
  seconds: number,
  session: Option.Option<string> = Option.none(),
) =>
  Effect.gen(function* () {
    const opencode = yield* Opencode
    const fiber = yield* Effect.fork(
      Effect.exit(opencode.run(input(ticketId, session)).pipe(inTicketLog(ticketId, "PLAN"))),
    )
    yield* Deferred.await(runs.started)
    // A second at a time, letting the run's fibers register their next sleep in between.
    for (let step = 0; step < seconds; step++) {
      yield* TestClock.adjust(Duration.seconds(1))
      yield* Effect.repeatN(Effect.yieldNow(), 3)
    }
    return yield* Fiber.join(fiber)
  })

const messages = (ticketId: TicketId) => loggedLines(ticketId).pipe(Effect.map((lines) => lines.map((l) => l.message)))

const finished = [
  { after: 1, line: event("step_start", { part: {} }) },
  { after: 1, line: event("text", { part: { text: "The plan: add a route." } }) },
  { after: 1, line: stepFinish("stop", 1200, 80, 0.25) },
]

it.effect(
  "a run that finished its answer but never exits is ended by devvy and still succeeds",
  () =>
    withAgent({ output: finished, exit: "never" }, (runs) =>
      Effect.gen(function* () {
        const ticket = yield* newTicket
        const exit = yield* runFor(runs, ticket.id, 10)
        assert.ok(Exit.isSuccess(exit), `expected success, got ${exit}`)
        assert.equal(exit.value.text, "The plan: add a route.")
        assert.equal(exit.value.sessionId, "ses_fake")
        assert.ok((yield* Ref.get(runs.killed)) >= 1)
        assert.ok((yield* messages(ticket.id)).some((m) => m.includes("did not exit: devvy ended it")))
      })),
)

it.effect(
  "a run with no output for the stall timeout is killed and fails with AgentStalled",
  () =>
    withAgent(
      { output: [{ after: 1, line: event("step_start", { part: {} }) }], exit: "never" },
      (runs) =>
        Effect.gen(function* () {
          const ticket = yield* newTicket
          const exit = yield* runFor(runs, ticket.id, 62)
          assert.ok(Exit.isFailure(exit))
          const error = yield* Effect.flip(exit)
          assert.equal(error._tag, "AgentStalled")
          assert.match(error.message, /printed nothing for 60 s during PLAN/)
          assert.ok((yield* Ref.get(runs.killed)) >= 1)
        }),
    ),
)

it.effect("a run that keeps talking past the phase timeout is killed and fails with AgentTimeout", () =>
  withAgent(
    {
      output: Array.from({ length: 100 }, () => ({ after: 10, line: event("step_start", { part: {} }) })),
      exit: "never",
    },
    (runs) =>
      Effect.gen(function* () {
        const ticket = yield* newTicket
        const exit = yield* runFor(runs, ticket.id, 121)
        const error = yield* Effect.flip(exit)
        assert.equal(error._tag, "AgentTimeout")
        assert.match(error.message, /within 120 s/)
        assert.ok((yield* Ref.get(runs.killed)) >= 1)
      }),
    { DEVVY_STALL_TIMEOUT: "30", DEVVY_PHASE_TIMEOUT: "120" },
  ))

it.effect("a permission auto-rejected by opencode fails the phase although the exit code is 0", () =>
  withAgent({
    output: [
      { after: 1, line: event("step_start", { part: {} }) },
      {
        after: 1,
        fd: "stderr",
        line: "\u001B[93m! \u001B[0mpermission requested: webfetch (x); auto-rejecting",
      },
      {
        after: 1,
        line: event("tool_use", {
          part: { tool: "webfetch", callID: "c1", state: { status: "error", error: "The user rejected permission" } },
        }),
      },
    ],
    exit: 0,
  }, (runs) =>
    Effect.gen(function* () {
      const ticket = yield* newTicket
      const error = yield* Effect.flip(yield* runFor(runs, ticket.id, 5))
      assert.equal(error._tag, "AgentRejected")
      assert.match(error.message, /permission requested: webfetch \(x\); auto-rejecting/)
    })))

it.effect(
  "a failure exit with no error event fails with AgentExited carrying stderr",
  () =>
    withAgent(
      { output: [{ after: 1, fd: "stderr", line: "Error: database is locked" }], exit: 1 },
      (runs) =>
        Effect.gen(function* () {
          const ticket = yield* newTicket
          const error = yield* Effect.flip(yield* runFor(runs, ticket.id, 5))
          assert.equal(error._tag, "AgentExited")
          assert.match(error.message, /exited with code 1 \(stderr: Error: database is locked\)/)
        }),
    ),
)

it.effect(
  "a new session is stored on the ticket and its usage is added to the phase",
  () =>
    withAgent(
      { output: [...finished, { after: 0, line: stepFinish("stop", 10, 1, 0.5) }], exit: 0 },
      (runs) =>
        Effect.gen(function* () {
          const ticket = yield* newTicket
          const exit = yield* runFor(runs, ticket.id, 5)
          assert.ok(Exit.isSuccess(exit))
          assert.equal((yield* (yield* TicketStore).get(ticket.id)).opencodeSession, "ses_fake")
          const [plan] = yield* (yield* AgentUsage).byPhase(ticket.id)
          assert.equal(plan.phase, "PLAN")
          assert.deepEqual([plan.usage.input, plan.usage.output, plan.usage.cost], [1210, 81, 0.75])
          const argv = runs.commands[0].argv
          assert.deepEqual(argv.slice(0, 10), [
            "opencode",
            "run",
            "--format",
            "json",
            "-m",
            "mock/m1",
            "--dir",
            "/workspace",
            "--title",
            "devvy ticket",
          ])
          assert.ok(!argv.includes("--session"))
          assert.equal(runs.commands[0].stdin, "Plan it")
          assert.equal(runs.commands[0].env.OPENCODE_CONFIG, "/devvy/opencode.json")
          assert.equal(runs.commands[0].env.OPENCODE_DISABLE_MODELS_FETCH, "1")
        }),
    ),
)

it.effect(
  "a continued session passes --session and leaves the ticket's stored session alone",
  () =>
    withAgent({ output: finished, exit: 0 }, (runs) =>
      Effect.gen(function* () {
        const ticket = yield* newTicket
        const exit = yield* runFor(runs, ticket.id, 5, Option.some("ses_plan"))
        assert.ok(Exit.isSuccess(exit))
        assert.deepEqual(runs.commands[0].argv.slice(-2), ["--session", "ses_plan"])
        assert.equal((yield* (yield* TicketStore).get(ticket.id)).opencodeSession, null)
      })),
)

it.effect(
  "a model not written provider/model is refused before anything starts",
  () =>
    withAgent({ output: finished, exit: 0 }, (runs) =>
      Effect.gen(function* () {
        const ticket = yield* newTicket
        const opencode = yield* Opencode
        const error = yield* Effect.flip(opencode.run({ ...input(ticket.id), model: "claude-sonnet" }))
        assert.equal(error._tag, "AgentModelInvalid")
        assert.equal(runs.commands.length, 0)
      })),
)

it.effect(
  "continuing a session opencode no longer has fails with AgentSessionNotFound",
  () =>
    withAgent(
      { output: [{ after: 1, fd: "stderr", line: "\u001B[91mError: \u001B[0mSession not found" }], exit: 1 },
      (runs) =>
        Effect.gen(function* () {
          const ticket = yield* newTicket
          const error = yield* Effect.flip(yield* runFor(runs, ticket.id, 3, Option.some("ses_gone")))
          assert.equal(error._tag, "AgentSessionNotFound")
          assert.match(error.message, /session ses_gone/)
        }),
    ),
)
