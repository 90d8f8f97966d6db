import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { stringify } from "smol-toml"
import { decodeConfigFile, parseToml, setKey } from "./ConfigFile.ts"

/** Values keyed by their dotted config key (`ado.pat`); undefined ones are left as the file has them. */
export type ConfigValues = Readonly<Record<string, string | undefined>>

const readExisting = (file: string) =>
  fs.existsSync(file) ? parseToml(file, fs.readFileSync(file, "utf8")) : Effect.succeed<Record<string, unknown>>({})

/**
 * Writes the config file with mode 600, keeping the keys it already had. The result is decoded with the
 * same schema that loads it, so init can never write a file devvy then refuses. The write goes to a
 * temporary file renamed over the old one, so a crash never leaves half a config.
 */
export const writeConfig = Effect.fn("Config.write")(function* (file: string, values: ConfigValues) {
  const raw = yield* readExisting(file)
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue
    setKey(raw, key, value)
  }
  yield* decodeConfigFile(raw, () => file)
  yield* Effect.sync(() => {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    const temporary = `${file}.${Deno.pid}.tmp`
    fs.writeFileSync(temporary, stringify(raw) + "\n", { mode: 0o600 })
    fs.chmodSync(temporary, 0o600)
    fs.renameSync(temporary, file)
  })
})
