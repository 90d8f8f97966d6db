/**
 * The reading half of tar.ts: walks a tar stream (what `GET /containers/{id}/archive` answers) entry by
 * entry. It reads what Go's archive/tar writes for the engine: ustar headers, PAX records (`x`; global `g`
 * ones are skipped) and GNU long names (`L`, `K`), with sizes in octal or base-256. A file's content is
 * handed over whole, so memory peaks at the largest single file, never at the archive.
 */
import { BLOCK, type EntryType } from "./tar.ts"

export interface ReadEntry {
  readonly path: string
  /** `hardlink`: the same content as the earlier entry at `linkTarget`. */
  readonly type: EntryType | "hardlink"
  readonly mode: number
  /** Seconds since the epoch. */
  readonly mtime: number
  readonly linkTarget: string
  /** A file's content; empty for the other types. */
  readonly content: Uint8Array
}

const decoder = new TextDecoder()

/** Exact-size reads over a stream of arbitrary chunks. */
export class ChunkReader {
  private chunks: Array<Uint8Array> = []
  private buffered = 0
  constructor(private readonly source: ReadableStreamDefaultReader<Uint8Array>) {}

  /** `size` bytes, or null at the end of the stream (a short tail is an error). */
  async read(size: number): Promise<Uint8Array | null> {
    while (this.buffered < size) {
      const next = await this.source.read()
      if (next.done) {
        if (this.buffered === 0) return null
        throw new Error(`the archive ends in the middle of an entry (${this.buffered} of ${size} bytes)`)
      }
      this.chunks.push(next.value)
      this.buffered += next.value.length
    }
    const out = new Uint8Array(size)
    let filled = 0
    while (filled < size) {
      const head = this.chunks[0]
      const take = Math.min(head.length, size - filled)
      out.set(head.subarray(0, take), filled)
      filled += take
      if (take === head.length) this.chunks.shift()
      else this.chunks[0] = head.subarray(take)
    }
    this.buffered -= size
    return out
  }
}

const text = (block: Uint8Array, offset: number, length: number): string => {
  const field = block.subarray(offset, offset + length)
  const end = field.indexOf(0)
  return decoder.decode(end === -1 ? field : field.subarray(0, end))
}

/** Octal, or base-256 when the top bit of the first byte is set (GNU, for values octal cannot hold). */
const numeric = (block: Uint8Array, offset: number, length: number): number => {
  if ((block[offset] & 0x80) !== 0) {
    let value = block[offset] & 0x7f
    for (let i = offset + 1; i < offset + length; i++) value = value * 256 + block[i]
    return value
  }
  const digits = text(block, offset, length).trim()
  return digits === "" ? 0 : parseInt(digits, 8)
}

/** `<length> key=value\n` records. */
const paxRecords = (data: Uint8Array): Map<string, string> => {
  const records = new Map<string, string>()
  let offset = 0
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset)
    if (space === -1) break
    const length = Number(decoder.decode(data.subarray(offset, space)))
    if (!Number.isInteger(length) || length <= 0) break
    const record = decoder.decode(data.subarray(space + 1, offset + length - 1))
    const equals = record.indexOf("=")
    if (equals !== -1) records.set(record.slice(0, equals), record.slice(equals + 1))
    offset += length
  }
  return records
}

/** An entry's type by its header's type flag; other flags (devices, fifos) have none. */
const typeOf: Record<string, ReadEntry["type"]> = {
  "0": "file",
  "\0": "file",
  "": "file",
  "7": "file",
  "1": "hardlink",
  "2": "symlink",
  "5": "directory",
}

const empty = new Uint8Array(0)

/** An entry's header read with what the extension entries before it said (PAX `x`, GNU `L` and `K`). */
export interface EntryFields {
  readonly path: string
  /** Undefined for types that are skipped (devices, fifos). */
  readonly type: ReadEntry["type"] | undefined
  readonly mode: number
  readonly mtime: number
  readonly linkTarget: string
}

/** What the extension entries before the next entry say of it; used up by that entry. */
export class Extensions {
  private pax = new Map<string, string>()
  private longName: string | undefined
  private longLink: string | undefined

  /** The size of the data that follows a header. */
  sizeOf(block: Uint8Array): number {
    return this.pax.has("size") ? Number(this.pax.get("size")) : numeric(block, 124, 12)
  }

  /** Takes an extension entry's data (a global `g` one is ignored); false when the header is not one. */
  take(block: Uint8Array, data: Uint8Array): boolean {
    const flag = String.fromCharCode(block[156])
    if (flag === "x") this.pax = paxRecords(data)
    else if (flag === "L") this.longName = decoder.decode(data).replace(/\0+$/, "")
    else if (flag === "K") this.longLink = decoder.decode(data).replace(/\0+$/, "")
    else if (flag !== "g") return false
    return true
  }

  /** The fields of an entry's header, the extensions before it applied; they are then used up. */
  fields(block: Uint8Array): EntryFields {
    const ustar = text(block, 257, 6) === "ustar"
    const prefix = ustar ? text(block, 345, 155) : ""
    const name = text(block, 0, 100)
    const path = this.pax.get("path") ?? this.longName ?? (prefix === "" ? name : `${prefix}/${name}`)
    const fields = {
      path: path.replace(/\/+$/, ""),
      type: typeOf[String.fromCharCode(block[156])],
      mode: numeric(block, 100, 8) & 0o7777,
      mtime: this.pax.has("mtime") ? Math.floor(Number(this.pax.get("mtime"))) : numeric(block, 136, 12),
      linkTarget: this.pax.get("linkpath") ?? this.longLink ?? text(block, 157, 100),
    }
    this.pax = new Map()
    this.longName = undefined
    this.longLink = undefined
    return fields
  }
}

/** The entries of a tar stream in order; devices, fifos and other types are skipped. */
export async function* readTar(stream: ReadableStream<Uint8Array>): AsyncGenerator<ReadEntry> {
  const source = stream.getReader()
  const reader = new ChunkReader(source)
  const extensions = new Extensions()
  try {
    while (true) {
      const block = await reader.read(BLOCK)
      if (block === null || block.every((byte) => byte === 0)) return
      const size = extensions.sizeOf(block)
      const padded = Math.ceil(size / BLOCK) * BLOCK
      const body = padded === 0 ? empty : await reader.read(padded)
      if (body === null) throw new Error("the archive ends in the middle of an entry")
      const data = body.subarray(0, size)
      if (extensions.take(block, data)) continue
      const { type, ...fields } = extensions.fields(block)
      if (type === undefined) continue
      yield { ...fields, type, content: type === "file" ? data : empty }
    }
  } finally {
    await source.cancel().catch(() => undefined)
  }
}
