import assert from "node:assert/strict"
import { Chunk, Effect, Stream } from "effect"
import { DockerEngine, type ExecEvent } from "../../../src/services/docker/DockerEngine.ts"
import { ensureBusyboxImage } from "../../support/images/busybox.ts"
import { onEachEngine } from "./engine_support.ts"

const worker = Effect.gen(function* () {
  const docker = yield* DockerEngine
  const image = yield* ensureBusyboxImage
  const info = yield* docker.runContainer({ image, cmd: ["sleep", "3600"], labels: { "devvy.test": "exec" } })
  return info.id
})

onEachEngine(
  "stdout and stderr lines arrive in the order written on each stream, then the exit code",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const id = yield* worker
      const events = yield* docker.execStream(id, {
        cmd: [
          "sh",
          "-c",
          "echo one; sleep 0.3; echo two >&2; sleep 0.3; printf 'three\\nfour'; sleep 0.3; echo five >&2; exit 7",
        ],
      }).pipe(Stream.runCollect, Effect.map(Chunk.toArray))
      // Within a stream the order is the process's; across streams it is only as good as the pauses, which a
      // loaded machine can swallow, so each stream is checked on its own.
      const lines = (stream: "stdout" | "stderr") =>
        events.flatMap((e) => (e._tag === "Line" && e.stream === stream ? [e.line] : []))
      assert.deepEqual(lines("stdout"), ["one", "three", "four"])
      assert.deepEqual(lines("stderr"), ["two", "five"])
      assert.deepEqual(events.at(-1), { _tag: "Exit", exitCode: 7 } satisfies ExecEvent)
      assert.equal(events.length, 6)
      assert.equal((yield* docker.exec(id, { cmd: ["true"] })).exitCode, 0)
      assert.equal((yield* docker.exec(id, { cmd: ["sh", "-c", "exit 42"] })).exitCode, 42)
    }),
)

onEachEngine(
  "stdin is written to the process and then closed, so a reader sees EOF",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const id = yield* worker
      const lines: Array<string> = []
      const prompt = "first line of the prompt\nsecond: ünïcödé and 'quotes'\n".repeat(2000)
      const { exitCode } = yield* docker.exec(id, {
        cmd: ["sh", "-c", "wc -l; echo done"],
        stdin: prompt,
        timeout: "20 seconds",
        onLine: (_stream, line) => Effect.sync(() => lines.push(line.trim())),
      })
      assert.equal(exitCode, 0)
      assert.deepEqual(lines, ["4000", "done"])
      const echoed: Array<string> = []
      yield* docker.exec(id, {
        cmd: ["cat"],
        stdin: "no newline at the end",
        onLine: (_stream, line) => Effect.sync(() => echoed.push(line)),
      })
      assert.deepEqual(echoed, ["no newline at the end"])
    }),
)

onEachEngine(
  "an exec past its timeout fails with ExecTimedOut and its process tree is killed",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const id = yield* worker
      const started = Date.now()
      const error = yield* docker.exec(id, {
        cmd: ["sh", "-c", "sleep 300 & sleep 301; echo never"],
        timeout: "500 millis",
      }).pipe(Effect.flip)
      assert.equal(error._tag, "ExecTimedOut")
      assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`)
      const left: Array<string> = []
      yield* docker.exec(id, {
        cmd: ["sh", "-c", "ps -o args | grep -c '^sleep 30[01]' || true"],
        onLine: (_stream, line) => Effect.sync(() => left.push(line.trim())),
      })
      assert.deepEqual(left, ["0"])
    }),
)

onEachEngine(
  "a command that does not exist ends with exit code 126 or 127 and its error on the output",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const id = yield* worker
      const lines: Array<string> = []
      const { exitCode } = yield* docker.exec(id, {
        cmd: ["/no/such/binary"],
        onLine: (_stream, line) => Effect.sync(() => lines.push(line)),
      })
      assert.ok(exitCode === 126 || exitCode === 127, `exit code ${exitCode}`)
      assert.match(lines.join("\n"), /no such file or directory/i)
    }),
)

/** Spawns `script`, kills it once it prints "ready", and checks that its stream ends with that line and exit 137. */
const killWhenReady = (id: string, script: string) =>
  Effect.gen(function* () {
    const docker = yield* DockerEngine
    const process = yield* docker.spawn(id, { cmd: ["sh", "-c", script] })
    const lines = yield* process.lines.pipe(
      Stream.tap((line) => line.line === "ready" ? process.kill : Effect.void),
      Stream.runCollect,
      Effect.timeout("20 seconds"),
    )
    assert.deepEqual(Chunk.toArray(lines).map((l) => l.line), ["ready"])
    assert.equal(yield* process.exitCode, 137)
  })

onEachEngine(
  "a spawned process can be killed while it runs, and its stream then ends",
  // Killed at once after its first line: the engine may not have its pid yet.
  () => Effect.flatMap(worker, (id) => killWhenReady(id, "echo ready; sleep 300")),
)

onEachEngine(
  "killing a process that keeps forking leaves none of its children holding the output open",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const id = yield* worker
      // A child forked while the tree is being walked would be orphaned, keep the output open and hang the stream.
      yield* killWhenReady(id, "echo ready; while :; do sleep 300 & done")
      const survivors: Array<string> = []
      yield* docker.exec(id, {
        cmd: ["ps", "-o", "pid,stat,comm"],
        onLine: (_stream, line) =>
          Effect.sync(() => {
            const [pid, stat, comm] = line.trim().split(/\s+/)
            // This container's pid 1 reaps no one; a zombie holds no descriptor, so only the living count.
            if (comm === "sleep" && pid !== "1" && !stat?.startsWith("Z")) survivors.push(`${pid} ${stat}`)
          }),
      })
      assert.deepEqual(survivors, [], "no child of the killed process survives it")
    }),
)

onEachEngine(
  "100 MB of exec output streams through with bounded memory",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const id = yield* worker
      const line = "x".repeat(99)
      let lines = 0
      let bytes = 0
      let peak = 0
      // This isolate's heap and buffers, not the process's resident memory: `deno test --parallel` runs other
      // test files in threads of the same process, whose allocations would count too.
      const used = () => {
        const usage = Deno.memoryUsage()
        return usage.heapUsed + usage.external
      }
      const before = used()
      const { exitCode } = yield* docker.exec(id, {
        // 1,048,576 lines of 100 bytes: 100 MiB.
        cmd: ["sh", "-c", `yes ${line} | head -n 1048576`],
        onLine: (_stream, text) =>
          Effect.sync(() => {
            lines++
            bytes += text.length + 1
            if (lines % 65536 === 0) peak = Math.max(peak, used())
          }),
      })
      assert.equal(exitCode, 0)
      assert.equal(lines, 1048576)
      assert.equal(bytes, 100 * 1024 * 1024)
      const growth = (peak - before) / (1024 * 1024)
      assert.ok(growth < 80, `memory in use grew by ${growth.toFixed(1)} MB`)
    }),
)

onEachEngine(
  "a streamed exec past its timeout fails with ExecTimedOut after the lines it did write",
  () =>
    Effect.gen(function* () {
      const docker = yield* DockerEngine
      const id = yield* worker
      const seen: Array<string> = []
      const error = yield* docker.execStream(id, {
        cmd: ["sh", "-c", "echo started; sleep 300"],
        timeout: "700 millis",
      })
        .pipe(
          Stream.runForEach((event) => Effect.sync(() => event._tag === "Line" && seen.push(event.line))),
          Effect.flip,
        )
      assert.equal(error._tag, "ExecTimedOut")
      assert.match(error.message, /ran longer than 700ms and was killed/)
      assert.deepEqual(seen, ["started"])
      const left: Array<string> = []
      yield* docker.exec(id, {
        cmd: ["sh", "-c", "ps -o args | grep -c '^sleep 300' || true"],
        onLine: (_stream, line) => Effect.sync(() => left.push(line.trim())),
      })
      assert.deepEqual(left, ["0"])
    }),
)
