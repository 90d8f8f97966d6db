import assert from "node:assert/strict"
import { type Frame, FrameDecoder, FrameError, LineSplitter } from "../../../src/services/docker/frames.ts"

const frame = (stream: number, text: string): Uint8Array => {
  const payload = new TextEncoder().encode(text)
  const bytes = new Uint8Array(8 + payload.length)
  bytes[0] = stream
  new DataView(bytes.buffer).setUint32(4, payload.length)
  bytes.set(payload, 8)
  return bytes
}

const join = (...parts: Array<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

const text = (frames: Array<Frame>) => frames.map((f) => [f.stream, new TextDecoder().decode(f.payload)])

Deno.test("several frames in one chunk come out in order, each with its stream", () => {
  const decoder = new FrameDecoder()
  const frames = decoder.push(join(frame(1, "out1\n"), frame(2, "err1\n"), frame(1, "out2\n")))
  assert.deepEqual(text(frames), [["stdout", "out1\n"], ["stderr", "err1\n"], ["stdout", "out2\n"]])
  assert.equal(decoder.buffered, 0)
})

Deno.test("a frame split anywhere, even inside its header, is put back together", () => {
  const bytes = join(frame(1, "hello world\n"), frame(2, "oops\n"))
  for (let cut = 1; cut < bytes.length; cut++) {
    const decoder = new FrameDecoder()
    const frames = [...decoder.push(bytes.subarray(0, cut)), ...decoder.push(bytes.subarray(cut))]
    assert.deepEqual(text(frames), [["stdout", "hello world\n"], ["stderr", "oops\n"]], `cut at ${cut}`)
  }
})

Deno.test("a stream fed one byte at a time decodes the same as whole", () => {
  const bytes = join(frame(1, "a"), frame(1, ""), frame(2, "b".repeat(70_000)))
  const decoder = new FrameDecoder()
  const frames: Array<Frame> = []
  for (let i = 0; i < bytes.length; i++) frames.push(...decoder.push(bytes.subarray(i, i + 1)))
  assert.deepEqual(text(frames), [["stdout", "a"], ["stdout", ""], ["stderr", "b".repeat(70_000)]])
})

Deno.test("stream 0 counts as stdout, stream 3 is the daemon's own error, and garbage is refused", () => {
  assert.deepEqual(text(new FrameDecoder().push(join(frame(0, "x"), frame(3, "daemon")))), [
    ["stdout", "x"],
    ["system", "daemon"],
  ])
  assert.throws(() => new FrameDecoder().push(new TextEncoder().encode("HTTP/1.1 500 oops\r\n")), FrameError)
})

Deno.test("an incomplete frame at the end is reported as still buffered", () => {
  const decoder = new FrameDecoder()
  decoder.push(frame(1, "cut short").subarray(0, 12))
  assert.equal(decoder.buffered, 12)
})

Deno.test("lines that span frames are joined, and a last line without newline comes out at the end", () => {
  const splitter = new LineSplitter()
  const enc = (s: string) => new TextEncoder().encode(s)
  assert.deepEqual(splitter.push(enc("/scr")), [])
  assert.deepEqual(splitter.push(enc("atch\nbar baz\nhalf")), ["/scratch", "bar baz"])
  assert.deepEqual(splitter.push(enc(" a line\r\n")), ["half a line"])
  assert.deepEqual(splitter.push(enc("tail")), [])
  assert.deepEqual(splitter.end(), ["tail"])
  assert.deepEqual(splitter.end(), [])
})

Deno.test("a multi-byte character split between frames is decoded whole", () => {
  const bytes = new TextEncoder().encode("ünïcödé ✓\n")
  const splitter = new LineSplitter()
  const lines = [
    ...splitter.push(bytes.subarray(0, 1)),
    ...splitter.push(bytes.subarray(1, 12)),
    ...splitter.push(bytes.subarray(12)),
  ]
  assert.deepEqual(lines, ["ünïcödé ✓"])
})

Deno.test("a line longer than the limit is cut into pieces instead of growing without end", () => {
  const splitter = new LineSplitter(10)
  assert.deepEqual(splitter.push(new TextEncoder().encode("x".repeat(25))), ["x".repeat(10), "x".repeat(10)])
  assert.deepEqual(splitter.end(), ["xxxxx"])
})
