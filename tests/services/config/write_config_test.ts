import assert from "node:assert/strict"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { writeConfig } from "../../../src/services/config/write_config.ts"
import { it } from "../../support/effect_test.ts"
import { makeTempDir } from "../../support/temp_home.ts"

it.effect("the config is written with mode 600 and keeps the keys it already had", () =>
  Effect.gen(function* () {
    const file = path.join(yield* makeTempDir(), "nested", "config.toml")
    yield* writeConfig(file, { model: "mock/m1", "ado.pat": "secret" })
    assert.equal(fs.statSync(file).mode & 0o777, 0o600)
    fs.chmodSync(file, 0o644)
    yield* writeConfig(file, { "ado.project": "shop", model: undefined })
    const text = fs.readFileSync(file, "utf8")
    assert.match(text, /model = "mock\/m1"/)
    assert.match(text, /project = "shop"/)
    assert.match(text, /pat = "secret"/)
    assert.equal(fs.statSync(file).mode & 0o777, 0o600)
  }))

it.effect("a value the loader would refuse is never written", () =>
  Effect.gen(function* () {
    const file = path.join(yield* makeTempDir(), "config.toml")
    const error = yield* Effect.flip(writeConfig(file, { "ado.org_url": "dev.azure.com/acme" }))
    assert.equal(error._tag, "ConfigInvalid")
    assert.match(error.message, /key `ado\.org_url`: expected an http\(s\) URL/)
    assert.equal(fs.existsSync(file), false)
  }))
