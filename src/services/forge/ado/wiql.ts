/** The WIQL `devvy watch` sends (SPEC §2). Pure. */

const closedStates = ["Closed", "Done", "Removed"]

/** A WIQL string literal: single quotes, an inner quote doubled. */
export const wiqlString = (value: string): string => `'${value.replaceAll("'", "''")}'`

/** Open work items of the project carrying `tag`: what `watch` picks up without `--query`. */
export const watchCondition = (tag: string): string =>
  `[System.Tags] CONTAINS ${wiqlString(tag)} AND [System.State] NOT IN (${closedStates.map(wiqlString).join(", ")})`

/**
 * The whole query for a `WHERE` condition, always kept to the configured project (`@project` is the
 * project of the URL it is posted to) and in id order, which is creation order.
 */
export const wiqlQuery = (condition: string): string =>
  `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND (${condition}) ORDER BY [System.Id]`
