/** The module graph `deno info` reads from an entry: what `deno compile` would take in, and who imports what. */
import { Schema } from "effect"

const Dependency = Schema.Struct({
  /** As written in the import. */
  specifier: Schema.String,
  isDynamic: Schema.optional(Schema.Boolean),
  code: Schema.optional(Schema.Struct({ specifier: Schema.String })),
})
const Info = Schema.Struct({
  roots: Schema.Array(Schema.String),
  modules: Schema.Array(Schema.Struct({
    specifier: Schema.String,
    dependencies: Schema.optional(Schema.Array(Dependency)),
  })),
})

/** Every module `entry` can load, with its imports, dynamic ones included. */
export const moduleGraph = async (entry: string) => {
  const output = await new Deno.Command(Deno.execPath(), { args: ["info", "--json", entry], stdout: "piped" }).output()
  return Schema.decodeUnknownSync(Schema.parseJson(Info))(new TextDecoder().decode(output.stdout))
}

/** The modules `entry` loads before any of its code runs: its import graph without the dynamic imports. */
export const startupModules = async (entry: string): Promise<ReadonlySet<string>> => {
  const info = await moduleGraph(entry)
  const edges = new Map(info.modules.map((m) => [
    m.specifier,
    (m.dependencies ?? []).flatMap((d) => d.isDynamic === true || d.code === undefined ? [] : [d.code.specifier]),
  ]))
  const seen = new Set<string>()
  const visit = (specifier: string) => {
    if (seen.has(specifier)) return
    seen.add(specifier)
    for (const next of edges.get(specifier) ?? []) visit(next)
  }
  info.roots.forEach(visit)
  return seen
}
