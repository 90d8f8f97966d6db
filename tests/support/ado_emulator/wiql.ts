/**
 * The slice of WIQL the emulator evaluates: `SELECT … FROM WorkItems WHERE <conditions> [ORDER BY …]`,
 * conditions joined by AND (parenthesised groups too), each `[Field] = | <> | CONTAINS | IN | NOT IN`
 * against `@project`, a quoted string or a list. Anything else is refused as Azure DevOps refuses bad WIQL.
 */

export class WiqlError extends Error {}

type Fields = Readonly<Record<string, unknown>>
type Predicate = (fields: Fields) => boolean

/** Splits at `separator` (a keyword) where it stands outside quotes and parentheses. */
const splitTopLevel = (text: string, separator: RegExp): Array<string> => {
  const parts: Array<string> = []
  let depth = 0
  let quoted = false
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === "'") quoted = !quoted
    else if (!quoted && c === "(") depth++
    else if (!quoted && c === ")") depth--
    else if (!quoted && depth === 0) {
      const match = separator.exec(text.slice(i))
      if (match !== null && match.index === 0 && (!/\w/.test(match[0]) || /\s/.test(text[i - 1] ?? " "))) {
        parts.push(text.slice(start, i))
        start = i + match[0].length
        i = start - 1
      }
    }
  }
  parts.push(text.slice(start))
  return parts.map((p) => p.trim())
}

const literal = (text: string, project: string): string => {
  if (text.toLowerCase() === "@project") return project
  const match = /^'((?:[^']|'')*)'$/.exec(text)
  if (match === null) throw new WiqlError(`TF51006: The query expects a value, found "${text}".`)
  return match[1].replaceAll("''", "'")
}

const list = (text: string, project: string): Array<string> => {
  const match = /^\((.*)\)$/s.exec(text.trim())
  if (match === null) throw new WiqlError(`TF51006: The query expects a list of values, found "${text}".`)
  return splitTopLevel(match[1], /^,/).map((v) => literal(v, project))
}

const fieldText = (fields: Fields, name: string): string => {
  const value = Object.entries(fields).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1]
  return value === undefined || value === null ? "" : String(value)
}

const condition = (text: string, project: string): Predicate => {
  const trimmed = text.trim()
  if (trimmed.startsWith("(") && trimmed.endsWith(")")) return conditions(trimmed.slice(1, -1), project)
  const match = /^\[([\w.]+)\]\s*(=|<>|contains|not\s+in|in)\s*(.+)$/is.exec(trimmed)
  if (match === null) throw new WiqlError(`TF51006: The query could not be parsed near "${trimmed}".`)
  const [, field, rawOperator, operand] = match
  const operator = rawOperator.toLowerCase().replace(/\s+/, " ")
  const lower = (s: string) => s.toLowerCase()
  if (operator === "in" || operator === "not in") {
    const values = list(operand, project).map(lower)
    return (fields) => values.includes(lower(fieldText(fields, field))) === (operator === "in")
  }
  const value = lower(literal(operand.trim(), project))
  if (operator === "contains") {
    // On System.Tags, CONTAINS matches a whole tag of the `a; b` list, as Azure Boards does.
    return field.toLowerCase() === "system.tags"
      ? (fields) => fieldText(fields, field).split(";").map((t) => lower(t.trim())).includes(value)
      : (fields) => lower(fieldText(fields, field)).includes(value)
  }
  return (fields) => (lower(fieldText(fields, field)) === value) === (operator === "=")
}

const conditions = (text: string, project: string): Predicate => {
  const parts = splitTopLevel(text, /^and\b/i)
  if (parts.some((p) => p === "")) throw new WiqlError("TF51006: The query has an empty condition.")
  const predicates = parts.map((p) => condition(p, project))
  return (fields) => predicates.every((p) => p(fields))
}

/** The predicate of a whole query; throws WiqlError for what the emulator (or WIQL) does not take. */
export const compileWiql = (query: string, project: string): Predicate => {
  const match = /^\s*select\s+.+?\s+from\s+workitems\s+where\s+(.+?)(?:\s+order\s+by\s+.+)?\s*$/is.exec(query)
  if (match === null) throw new WiqlError("TF51006: The query statement is missing a FROM WorkItems WHERE clause.")
  return conditions(match[1], project)
}
