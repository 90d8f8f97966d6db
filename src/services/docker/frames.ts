/**
 * Docker's multiplexed stream (exec, attach and logs without a TTY): frames of an 8-byte header (stream
 * byte, three zeros, big-endian uint32 length) and a payload. Chunks split frames anywhere, a chunk can
 * hold several, and lines run across frames, so both layers keep what is left over between chunks.
 */

export type FrameStream = "stdout" | "stderr" | "system"

export interface Frame {
  readonly stream: FrameStream
  readonly payload: Uint8Array
}

const HEADER = 8

const streamOf = (byte: number): FrameStream | undefined =>
  byte === 0 || byte === 1 ? "stdout" : byte === 2 ? "stderr" : byte === 3 ? "system" : undefined

export class FrameError extends Error {}

/** Cuts a byte stream into frames; holds at most one partial frame between pushes. */
export class FrameDecoder {
  private pending: Uint8Array = new Uint8Array(0)

  push(chunk: Uint8Array): Array<Frame> {
    const data = this.pending.length === 0 ? chunk : concat(this.pending, chunk)
    const frames: Array<Frame> = []
    let at = 0
    while (data.length - at >= HEADER) {
      const stream = streamOf(data[at])
      if (stream === undefined || data[at + 1] !== 0 || data[at + 2] !== 0 || data[at + 3] !== 0) {
        throw new FrameError(`not a multiplexed stream: header byte ${data[at]} at offset ${at}`)
      }
      const length = new DataView(data.buffer, data.byteOffset + at + 4, 4).getUint32(0)
      if (data.length - at - HEADER < length) break
      // A copy, so that the payload does not pin the whole chunk it came in.
      frames.push({ stream, payload: data.slice(at + HEADER, at + HEADER + length) })
      at += HEADER + length
    }
    this.pending = at === data.length ? new Uint8Array(0) : data.slice(at)
    return frames
  }

  /** Bytes of an incomplete frame still held; non-zero at the end of the stream means it was cut short. */
  get buffered(): number {
    return this.pending.length
  }
}

/**
 * Splits one stream's bytes into lines (UTF-8 decoded across chunk boundaries). A line longer than
 * `maxLine` characters is emitted in pieces, so a process that never writes a newline cannot grow memory.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder("utf-8", { fatal: false })
  private partial = ""

  constructor(private readonly maxLine = 1024 * 1024) {}

  push(bytes: Uint8Array): Array<string> {
    return this.split(this.partial + this.decoder.decode(bytes, { stream: true }))
  }

  /** The last line when the stream ended without a newline. */
  end(): Array<string> {
    const rest = this.partial + this.decoder.decode()
    this.partial = ""
    return rest === "" ? [] : [stripCr(rest)]
  }

  private split(text: string): Array<string> {
    const lines: Array<string> = []
    let start = 0
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      lines.push(stripCr(text.slice(start, nl)))
      start = nl + 1
    }
    let rest = text.slice(start)
    while (rest.length > this.maxLine) {
      lines.push(rest.slice(0, this.maxLine))
      rest = rest.slice(this.maxLine)
    }
    this.partial = rest
    return lines
  }
}

const stripCr = (line: string): string => line.endsWith("\r") ? line.slice(0, -1) : line

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
