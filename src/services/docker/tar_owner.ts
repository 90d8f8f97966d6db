/**
 * A tar made elsewhere (`git archive` writes root/root) passed on with every entry owned by someone
 * else, since the engine unpacks entries with the owner their header names; and what it holds reported
 * on the way, so the caller knows what the container got. Content is passed on in pieces, never held.
 * The end-of-archive blocks are not: the caller may add entries, and then writes the end.
 */
import { BLOCK, sealed } from "./tar.ts"
import { ChunkReader, Extensions, type ReadEntry } from "./tar_read.ts"

/** An entry as it was sent: its type, mode and size, without the content. */
export interface SentEntry {
  readonly path: string
  readonly type: ReadEntry["type"]
  readonly mode: number
  readonly size: number
  readonly linkTarget: string
}

const PIECE = 256 * 1024
const encoder = new TextEncoder()

const writeOctal = (block: Uint8Array, offset: number, length: number, value: number) => {
  block.fill(0, offset, offset + length)
  block.set(encoder.encode(value.toString(8).padStart(length - 1, "0")), offset)
}

/** The header with uid and gid replaced, the user and group names cleared, and its checksum made again. */
const reowned = (header: Uint8Array, owner: { readonly uid: number; readonly gid: number }): Uint8Array => {
  const block = header.slice()
  writeOctal(block, 108, 8, owner.uid)
  writeOctal(block, 116, 8, owner.gid)
  block.fill(0, 265, 265 + 64)
  return sealed(block)
}

export async function* reownTar(
  source: ReadableStream<Uint8Array>,
  owner: { readonly uid: number; readonly gid: number },
  onEntry: (entry: SentEntry) => void,
): AsyncGenerator<Uint8Array> {
  const stream = source.getReader()
  const reader = new ChunkReader(stream)
  const extensions = new Extensions()
  try {
    while (true) {
      const header = await reader.read(BLOCK)
      if (header === null) return
      if (header.every((byte) => byte === 0)) {
        // The end, left for the caller to write, so that more entries can follow. What comes after it (the
        // second zero block, a record's padding) is still read to the end: a writer cut off before it is
        // done, as git archive is by SIGPIPE, would count as failed.
        while (!(await stream.read()).done) continue
        return
      }
      const size = extensions.sizeOf(header)
      const padded = Math.ceil(size / BLOCK) * BLOCK
      yield reowned(header, owner)
      if ("xgLK".includes(String.fromCharCode(header[156]))) {
        const data = padded === 0 ? new Uint8Array(0) : await reader.read(padded)
        if (data === null) throw new Error("the archive ends in the middle of an entry")
        extensions.take(header, data.subarray(0, size))
        yield data
        continue
      }
      for (let left = padded; left > 0;) {
        const piece = await reader.read(Math.min(PIECE, left))
        if (piece === null) throw new Error("the archive ends in the middle of an entry")
        yield piece
        left -= piece.length
      }
      const { path, type, mode, linkTarget } = extensions.fields(header)
      if (type !== undefined) onEntry({ path, type, mode, size, linkTarget })
    }
  } finally {
    await stream.cancel().catch(() => undefined)
  }
}
