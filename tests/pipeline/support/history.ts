/** The most tickets that were past RECEIVED and not yet ended at one time, from the stored history. */
export const mostDrivenAtOnce = (
  histories: ReadonlyArray<ReadonlyArray<{ readonly to: string; readonly at: Date }>>,
) => {
  const edges = histories.flatMap((history) => {
    const start = history.find((h) => h.to !== "RECEIVED")
    const end = history.find((h) => h.to === "MERGED" || h.to === "FAILED" || h.to === "CANCELLED")
    return start === undefined ? [] : [
      { at: start.at.getTime(), delta: 1 },
      { at: end?.at.getTime() ?? Number.MAX_SAFE_INTEGER, delta: -1 },
    ]
  }).sort((a, b) => a.at - b.at || a.delta - b.delta)
  let now = 0
  let most = 0
  for (const edge of edges) most = Math.max(most, now += edge.delta)
  return most
}
