/**
 * A small ustar writer for build contexts and image imports: regular files, directories and symlinks,
 * with a PAX record for paths longer than ustar's 100+155 bytes. Output is a sequence of chunks so a
 * large context streams instead of being held whole.
 */

export type EntryType = "file" | "directory" | "symlink"

export interface EntryHeader {
  readonly path: string
  readonly type: EntryType
  readonly size?: number
  readonly mode?: number
  /** Seconds since the epoch. */
  readonly mtime?: number
  readonly uid?: number
  readonly gid?: number
  readonly linkTarget?: string
}

export const BLOCK = 512
const encoder = new TextEncoder()

const writeString = (block: Uint8Array, offset: number, length: number, value: string) => {
  block.set(encoder.encode(value).subarray(0, length), offset)
}

const writeOctal = (block: Uint8Array, offset: number, length: number, value: number) => {
  writeString(block, offset, length - 1, Math.max(0, Math.floor(value)).toString(8).padStart(length - 1, "0"))
}

const typeFlag: Record<EntryType, string> = { file: "0", directory: "5", symlink: "2" }
const defaultMode: Record<EntryType, number> = { file: 0o644, directory: 0o755, symlink: 0o777 }

const rawHeader = (name: string, prefix: string, flag: string, entry: EntryHeader, size: number): Uint8Array => {
  const block = new Uint8Array(BLOCK)
  writeString(block, 0, 100, name)
  writeOctal(block, 100, 8, entry.mode ?? defaultMode[entry.type])
  writeOctal(block, 108, 8, entry.uid ?? 0)
  writeOctal(block, 116, 8, entry.gid ?? 0)
  writeOctal(block, 124, 12, size)
  writeOctal(block, 136, 12, entry.mtime ?? 0)
  writeString(block, 156, 1, flag)
  writeString(block, 157, 100, entry.linkTarget ?? "")
  writeString(block, 257, 6, "ustar")
  writeString(block, 263, 2, "00")
  writeString(block, 345, 155, prefix)
  return sealed(block)
}

/** The header block with its checksum written: the sum of its bytes, the checksum field counted as spaces. */
export const sealed = (block: Uint8Array): Uint8Array => {
  block.fill(0x20, 148, 156)
  const sum = block.reduce((total, byte) => total + byte, 0)
  writeString(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ")
  return block
}

const fitsUstar = (path: string): { name: string; prefix: string } | undefined => {
  const bytes = encoder.encode(path).length
  if (bytes <= 100) return { name: path, prefix: "" }
  for (let cut = path.indexOf("/"); cut !== -1; cut = path.indexOf("/", cut + 1)) {
    const prefix = path.slice(0, cut)
    const name = path.slice(cut + 1)
    if (encoder.encode(prefix).length <= 155 && encoder.encode(name).length <= 100 && name !== "") {
      return { name, prefix }
    }
  }
  return undefined
}

/** A PAX record is `<length> key=value\n`, where the length counts its own digits. */
const paxRecord = (key: string, value: string): string => {
  const body = ` ${key}=${value}\n`
  const bodyLength = encoder.encode(body).length
  let length = bodyLength
  while (length !== bodyLength + String(length).length) length = bodyLength + String(length).length
  return `${length}${body}`
}

export const padding = (size: number): Uint8Array => new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK)

/** The header block(s) of one entry; for a file, its content and `padding(size)` follow. */
export const entryHeader = (entry: EntryHeader): Array<Uint8Array> => {
  const path = entry.type === "directory" && !entry.path.endsWith("/") ? `${entry.path}/` : entry.path
  const size = entry.type === "file" ? entry.size ?? 0 : 0
  const fits = fitsUstar(path)
  const longLink = entry.linkTarget !== undefined && encoder.encode(entry.linkTarget).length > 100
  if (fits !== undefined && !longLink) return [rawHeader(fits.name, fits.prefix, typeFlag[entry.type], entry, size)]
  const pax = encoder.encode(
    paxRecord("path", path) + (longLink ? paxRecord("linkpath", entry.linkTarget ?? "") : ""),
  )
  const paxHeader = rawHeader("PaxHeader", "", "x", { path: "PaxHeader", type: "file", mode: 0o644 }, pax.length)
  const short = path.slice(-99)
  return [
    paxHeader,
    pax,
    padding(pax.length),
    rawHeader(short, "", typeFlag[entry.type], { ...entry, linkTarget: entry.linkTarget?.slice(0, 100) ?? "" }, size),
  ]
}

/** Two zero blocks end the archive. */
export const endOfArchive = (): Uint8Array => new Uint8Array(BLOCK * 2)

/** A whole in-memory file as tar chunks. */
export const fileEntry = (path: string, content: Uint8Array, mode = 0o644): Array<Uint8Array> => [
  ...entryHeader({ path, type: "file", size: content.length, mode }),
  content,
  padding(content.length),
]
