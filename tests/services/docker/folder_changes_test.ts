/** The listing of a container's folder as its exec's lines bring it: names with spaces and newlines. */
import assert from "node:assert/strict"
import { parseListing } from "../../../src/services/docker/folder_changes.ts"

/** What find -printf writes, cut into lines as the exec hands them over: each without its newline. */
const asLines = (output: string) => {
  const lines = output.split("\n")
  if (lines.at(-1) === "") lines.pop()
  return lines
}

Deno.test("changed and unchanged paths are told apart, with their type and mode, also names with a newline", () => {
  const listing = parseListing(
    asLines("cd 755 \0\nud 755 src\0\ncf 644 src/a b.ts\0\ncf 755 odd\nname\0\nul 777 link\0\n"),
  )
  assert.deepEqual(listing, {
    _tag: "Listed",
    changed: [
      { path: "", type: "d", mode: 0o755 },
      { path: "src/a b.ts", type: "f", mode: 0o644 },
      { path: "odd\nname", type: "f", mode: 0o755 },
    ],
    present: new Set(["src", "src/a b.ts", "odd\nname", "link"]),
  })
})

Deno.test("a listing that cannot be trusted to name every path exactly is refused", () => {
  for (
    const [output, reason] of [
      ["cf 644 a.txt\0\n!\0\n", /carriage return/],
      ["cf 644 caf\uFFFD.txt\0\n", /not UTF-8/],
      ["cf 644 a.txt\0\ncf 644 b.t", /cut short/],
      ["garbage\0\n", /unreadable/],
    ] as const
  ) {
    const listing = parseListing(asLines(output))
    assert.equal(listing._tag, "Unknown")
    if (listing._tag === "Unknown") assert.match(listing.reason, reason)
  }
})
