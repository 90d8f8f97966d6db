/** Exec: create, start on a hijacked connection, stream lines out of the frames, read the exit code, kill. */
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type { Api } from "./api.ts"
import type { ExecError, ExecLine, ExecOptions, ExecProcess } from "./DockerEngine.ts"
import { ExecFailed } from "./DockerError.ts"
import { ExecReader } from "./exec_reader.ts"
import { closeQuietly, startExec, startExecOn, writeAll } from "./hijack.ts"
import { EXEC_MARK, killTreeScript, newExecMark } from "./kill_tree.ts"
import { dial } from "./transport.ts"

const ExecCreated = Schema.Struct({ Id: Schema.String })
const ExecInspect = Schema.Struct({
  Running: Schema.Boolean,
  ExitCode: Schema.NullOr(Schema.Number),
  Pid: Schema.optional(Schema.Number),
})

export const commandText = (cmd: ReadonlyArray<string>): string =>
  cmd.map((arg) => /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`).join(" ")

export const createExec = (api: Api, containerId: string, options: ExecOptions) =>
  api.json({
    method: "POST",
    path: `/containers/${encodeURIComponent(containerId)}/exec`,
    subject: { container: containerId },
    json: {
      Cmd: options.cmd,
      Env: Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`),
      ...(options.workingDir === undefined ? {} : { WorkingDir: options.workingDir }),
      ...(options.user === undefined ? {} : { User: options.user }),
      AttachStdin: options.stdin !== undefined,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    },
  }, ExecCreated).pipe(
    Effect.map((created) => created.Id),
    Effect.catchTag("ImageNotFound", (e) => Effect.die(e)),
  )

const inspectExec = (api: Api, execId: string) => api.json({ method: "GET", path: `/exec/${execId}/json` }, ExecInspect)

const nextLines = (reader: ExecReader, fail: (detail: string) => ExecFailed) =>
  Effect.async<Array<ExecLine> | null, ExecFailed>((resume) => {
    reader.next().then(
      (lines) => resume(Effect.succeed(lines)),
      (error) => resume(Effect.fail(fail(error instanceof Error ? error.message : String(error)))),
    )
  })

/** What `exec` needs beyond the public process: a loop over the lines that skips the stream machinery. */
export interface SpawnedExec extends ExecProcess {
  readonly forEachLine: (f: (line: ExecLine) => Effect.Effect<void>) => Effect.Effect<void, ExecFailed>
}

/** Starts the command; the process is killed and its connection closed if it still runs when the scope closes. */
export const spawnExec = (
  api: Api,
  containerId: string,
  options: ExecOptions,
): Effect.Effect<SpawnedExec, ExecError, Scope.Scope> =>
  Effect.gen(function* () {
    const command = commandText(options.cmd)
    const fail = (detail: string) => new ExecFailed({ containerId, command, detail })
    const mark = newExecMark()
    // The start needs a connection of its own: dialling it while the exec is created takes it off the
    // critical path.
    const [execId, dialled] = yield* Effect.all([
      createExec(api, containerId, { ...options, env: { ...options.env, [EXEC_MARK]: mark } }),
      Effect.acquireRelease(dial(api.endpoint), (conn) => Effect.sync(() => closeQuietly(conn))),
    ], { concurrency: 2 })
    const version = yield* api.negotiate
    const { conn, leftover } = yield* startExecOn(dialled, api.endpoint, version, execId).pipe(
      Effect.catchTag("DockerApiError", (e) => Effect.fail(fail(e.detail))),
    )
    if (options.stdin !== undefined) {
      const stdin = new TextEncoder().encode(options.stdin)
      // EOF on the write half is what closes the process's stdin.
      yield* Effect.tryPromise({
        try: () => writeAll(conn, stdin).then(() => conn.closeWrite()),
        catch: (error) => fail(`writing stdin failed: ${String(error)}`),
      })
    }
    const ended = yield* Deferred.make<void>()

    const exitCode = Deferred.await(ended).pipe(
      Effect.zipRight(inspectExec(api, execId)),
      Effect.flatMap((info) =>
        !info.Running && info.ExitCode !== null ? Effect.succeed(info.ExitCode) : Effect.fail("running" as const)
      ),
      // The engine can report Running for a moment after the stream closed.
      Effect.retry({
        while: (e) => e === "running",
        schedule: Schedule.exponential("5 millis", 1.5).pipe(Schedule.upTo(Duration.seconds(10))),
      }),
      Effect.catchAll((e) => Effect.fail(fail(e === "running" ? "it still runs after its output ended" : e.message))),
    )

    // The engine reports an exec Running, with Pid 0, for a moment after its process has started writing.
    const started = inspectExec(api, execId).pipe(
      Effect.flatMap((info) =>
        info.Pid !== undefined && info.Pid > 0 && info.Running
          ? Effect.succeed(true)
          : !info.Running && info.ExitCode !== null
          ? Effect.succeed(false)
          : Effect.fail("starting" as const)
      ),
      Effect.retry({
        while: (e) => e === "starting",
        schedule: Schedule.exponential("5 millis", 1.5).pipe(Schedule.upTo(Duration.seconds(10))),
      }),
    )

    /** One killer exec; true when it found the marked processes. */
    const killMarked = Effect.gen(function* () {
      const killer = yield* createExec(api, containerId, {
        cmd: ["sh", "-c", killTreeScript, "kill-tree", `${EXEC_MARK}=${mark}`],
        ...(options.user === undefined ? {} : { user: options.user }),
      })
      const { conn, leftover } = yield* startExec(api.endpoint, version, killer)
      const reader = new ExecReader(conn, leftover)
      return yield* Effect.promise(async () => {
        let killed = false
        for (;;) {
          const lines = await reader.next().catch(() => null)
          if (lines === null) return killed
          killed ||= lines.some((line) => line.line === "killed")
        }
      }).pipe(Effect.ensuring(Effect.sync(() => closeQuietly(conn))))
    })

    const kill = Effect.gen(function* () {
      if (!(yield* started)) return
      // Between the engine's "running" and the command's own execve the mark is not in /proc yet, so a
      // killer that found nobody looks again while the exec still runs.
      yield* killMarked.pipe(
        Effect.flatMap((killed) =>
          killed ? Effect.void : Effect.flatMap(
            inspectExec(api, execId),
            (info) => info.Running ? Effect.fail("not found yet" as const) : Effect.void,
          )
        ),
        Effect.retry({
          while: (e) => e === "not found yet",
          schedule: Schedule.exponential("10 millis", 2).pipe(Schedule.intersect(Schedule.recurs(6))),
        }),
      )
    }).pipe(Effect.ignore)

    yield* Effect.addFinalizer(() => Deferred.isDone(ended).pipe(Effect.flatMap((done) => done ? Effect.void : kill)))

    const reader = new ExecReader(conn, leftover)
    // Only output read to its end counts: an interrupted read leaves the process to the finalizer.
    const markEnded = Deferred.succeed(ended, undefined)
    const lines = Stream.repeatEffectChunkOption(
      nextLines(reader, fail).pipe(
        Effect.mapError(Option.some),
        Effect.flatMap((batch) =>
          batch === null
            ? Effect.zipRight(markEnded, Effect.fail(Option.none()))
            : Effect.succeed(Chunk.unsafeFromArray(batch))
        ),
      ),
    )
    const forEachLine = (f: (line: ExecLine) => Effect.Effect<void>) =>
      Effect.gen(function* () {
        for (;;) {
          const batch = yield* nextLines(reader, fail)
          if (batch === null) return yield* markEnded
          yield* Effect.forEach(batch, f, { discard: true })
        }
      })
    return { execId, lines, exitCode, kill, forEachLine }
  })
