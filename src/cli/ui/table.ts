/** Left-aligned columns separated by three spaces, as `docker ps` prints them. */
export const renderTable = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join("   ").trimEnd()
  return [line(headers), ...rows.map(line)].join("\n")
}

/** Truncates to `max` characters with an ellipsis, so one long title cannot push the table off screen. */
export const truncate = (text: string, max: number): string => text.length <= max ? text : `${text.slice(0, max - 1)}…`
