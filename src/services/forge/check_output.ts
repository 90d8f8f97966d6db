/** A check's own words when there is no log to read: what its service reported and where to look. */
export const checkOutput = (parts: ReadonlyArray<string | null | undefined>): string =>
  parts.filter((p): p is string => typeof p === "string" && p.trim() !== "").join("\n\n") ||
  "The check reported no details."
