/** Exec: create, start on a hijacked connection, stream lines out of the frames, read the exit code, kill. */
import { Chunk, Deferred, Duration, Effect, Option, Schedule, Schema, type Scope, Stream } from "effect"
import type { Api } from "./api.ts"
import type { ExecError, ExecLine, ExecOptions, ExecProcess } from "./DockerEngine.ts"
import { ExecFailed } from "./DockerError.ts"
import { FrameDecoder, LineSplitter } from "./frames.ts"
import { closeQuietly, startExec, writeAll } from "./hijack.ts"
import { killTreeScript, namespacePid } from "./kill_tree.ts"

const ExecCreated = Schema.Struct({ Id: Schema.String })
const ExecInspect = Schema.Struct({
  Running: Schema.Boolean,
  ExitCode: Schema.NullOr(Schema.Number),
  Pid: Schema.optional(Schema.Number),
})

const READ_SIZE = 64 * 1024

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

/** Splits the hijacked socket into lines, pulling a read only when the consumer wants more. */
const linesOf = (
  conn: Deno.Conn,
  leftover: Uint8Array,
  fail: (detail: string) => ExecFailed,
): Stream.Stream<ExecLine, ExecFailed> => {
  const frames = new FrameDecoder()
  const splitters = { stdout: new LineSplitter(), stderr: new LineSplitter() }
  const buffer = new Uint8Array(READ_SIZE)
  const decode = (bytes: Uint8Array): Effect.Effect<Chunk.Chunk<ExecLine>, ExecFailed> =>
    Effect.suspend(() => {
      const out: Array<ExecLine> = []
      for (const frame of frames.push(bytes)) {
        if (frame.stream === "system") return Effect.fail(fail(new TextDecoder().decode(frame.payload).trim()))
        for (const line of splitters[frame.stream].push(frame.payload)) out.push({ stream: frame.stream, line })
      }
      return Effect.succeed(Chunk.unsafeFromArray(out))
    }).pipe(Effect.catchAllDefect((defect) => Effect.fail(fail(String(defect)))))
  const finish = (): Chunk.Chunk<ExecLine> =>
    Chunk.unsafeFromArray([
      ...splitters.stdout.end().map((line): ExecLine => ({ stream: "stdout", line })),
      ...splitters.stderr.end().map((line): ExecLine => ({ stream: "stderr", line })),
    ])
  const first = Stream.fromEffect(decode(leftover)).pipe(Stream.flattenChunks)
  type Step = Option.Option<readonly [Chunk.Chunk<ExecLine>, boolean]>
  const step = (ended: boolean): Effect.Effect<Step, ExecFailed> => {
    if (ended) return Effect.succeed(Option.none())
    return Effect.tryPromise({
      try: () => conn.read(buffer),
      catch: (error) => fail(`the output stream broke: ${String(error)}`),
    }).pipe(
      Effect.flatMap((n): Effect.Effect<Step, ExecFailed> => {
        if (n !== null) {
          return Effect.map(decode(buffer.subarray(0, n)), (lines) => Option.some([lines, false] as const))
        }
        if (frames.buffered > 0) return Effect.fail(fail("the output stream ended inside a frame"))
        return Effect.succeed(Option.some([finish(), true] as const))
      }),
    )
  }
  const rest = Stream.unfoldChunkEffect(false, step)
  return Stream.concat(first, rest)
}

/** Starts the command; the process is killed and its connection closed if it still runs when the scope closes. */
export const spawnExec = (
  api: Api,
  containerId: string,
  options: ExecOptions,
): Effect.Effect<ExecProcess, ExecError, Scope.Scope> =>
  Effect.gen(function* () {
    const command = commandText(options.cmd)
    const fail = (detail: string) => new ExecFailed({ containerId, command, detail })
    const execId = yield* createExec(api, containerId, options)
    const version = yield* api.negotiate
    const { conn, leftover } = yield* Effect.acquireRelease(
      startExec(api.endpoint, version, execId).pipe(
        Effect.catchTag("DockerApiError", (e) => Effect.fail(fail(e.detail))),
      ),
      ({ conn }) => Effect.sync(() => closeQuietly(conn)),
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

    const kill = Effect.gen(function* () {
      const info = yield* inspectExec(api, execId)
      if (!info.Running || info.Pid === undefined || info.Pid <= 0) return
      const pid = yield* namespacePid(info.Pid)
      const killer = yield* createExec(api, containerId, {
        cmd: ["sh", "-c", killTreeScript, "kill-tree", String(pid)],
        user: "0:0",
      })
      const started = yield* startExec(api.endpoint, version, killer)
      yield* linesOf(started.conn, started.leftover, fail).pipe(
        Stream.runDrain,
        Effect.ensuring(Effect.sync(() => closeQuietly(started.conn))),
      )
    }).pipe(Effect.scoped, Effect.ignore)

    yield* Effect.addFinalizer(() => Deferred.isDone(ended).pipe(Effect.flatMap((done) => done ? Effect.void : kill)))

    const lines = linesOf(conn, leftover, fail).pipe(
      // Only a stream read to its end counts: an interrupted one leaves the process to the finalizer.
      Stream.concat(Stream.execute(Deferred.succeed(ended, undefined))),
    )
    return { execId, lines, exitCode, kill }
  })
