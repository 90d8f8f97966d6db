import assert from "node:assert/strict"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import { TicketStore } from "../../src/services/store/TicketStore.ts"
import { devvy } from "../support/devvy_cli.ts"
import { storeAt } from "../support/temp_home.ts"

const homes: Array<string> = []
const tempHome = () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "devvy-cli-"))
  homes.push(home)
  return home
}
globalThis.addEventListener("unload", () => homes.forEach((home) => fs.rmSync(home, { recursive: true, force: true })))

Deno.test("init with flags and no terminal writes a 600 config that ps and status then load", async () => {
  const home = tempHome()
  const init = await devvy(home, [
    "init",
    "--model",
    "github-copilot/claude-sonnet-4.6",
    "--org-url",
    "https://dev.azure.com/acme",
    "--project",
    "shop",
    "--pat",
    "pat-value-123",
    "--repo-url",
    "https://dev.azure.com/acme/shop/_git/web",
  ])
  assert.equal(init.code, 0, init.stderr)
  const file = path.join(home, "config.toml")
  assert.equal(fs.statSync(file).mode & 0o777, 0o600)
  assert.match(fs.readFileSync(file, "utf8"), /org_url = "https:\/\/dev.azure.com\/acme"/)
  const ps = await devvy(home, ["ps"])
  assert.equal(ps.code, 0, ps.stderr)
  const status = await devvy(home, ["status", "abcdef"])
  assert.equal(status.code, 2)
  assert.match(status.stderr, /no ticket abcdef/)
  assert.ok(!(ps.stdout + ps.stderr + status.stdout + status.stderr).includes("pat-value-123"))
})

Deno.test("ps --json on an empty DEVVY_HOME prints an empty array", async () => {
  const ps = await devvy(tempHome(), ["ps", "--json"])
  assert.equal(ps.code, 0, ps.stderr)
  assert.deepEqual(JSON.parse(ps.stdout), [])
})

Deno.test("a malformed config exits 2 with a message naming the file and the key", async () => {
  const home = tempHome()
  fs.writeFileSync(path.join(home, "config.toml"), `[agent]\npoll_interval_seconds = "often"\n`)
  const ps = await devvy(home, ["ps"])
  assert.equal(ps.code, 2)
  assert.match(ps.stderr, /config\.toml: key `agent\.poll_interval_seconds`/)
})

Deno.test("a bad ticket id is rejected with exit 2 before anything is read", async () => {
  const home = tempHome()
  for (const id of ["ABCDEF", "abc", "../../etc", "abcdefg"]) {
    const status = await devvy(home, ["status", id])
    assert.equal(status.code, 2, id)
    assert.match(status.stdout + status.stderr, /6 lowercase hex characters/, id)
  }
  assert.equal(fs.existsSync(path.join(home, "devvy.db")), false)
})

Deno.test("run without a title and no terminal is a usage error naming the flag", async () => {
  const home = tempHome()
  const run = await devvy(home, ["run", "--description", "d", "--model", "m/m", "--repo", home])
  assert.equal(run.code, 2)
  assert.match(run.stderr, /--title is required/)
})

Deno.test("run with no config and no model says to run devvy init, exit 2", async () => {
  const run = await devvy(tempHome(), ["run", "--title", "t", "--description", "d"])
  assert.equal(run.code, 2)
  assert.match(run.stderr, /no config file at .*config\.toml: run `devvy init`/)
})

Deno.test("an unknown flag is a usage error", async () => {
  const ps = await devvy(tempHome(), ["ps", "--bogus"])
  assert.equal(ps.code, 2)
})

const ticketsIn = (home: string) =>
  Effect.runPromise(
    Effect.flatMap(TicketStore, (store) => store.list({ all: true })).pipe(
      Effect.provide(storeAt(home)),
      Effect.scoped,
    ),
  )

Deno.test("run with a repository URL no forge accepts exits 2 naming it and the accepted forms, and stores no ticket", async () => {
  const home = tempHome()
  for (const repo of ["ftp://x/y", "https://example.com/a/b", path.join(home, "missing")]) {
    const run = await devvy(home, ["run", "-t", "Fix it", "--description", "d", "--model", "m/m", "--repo", repo])
    assert.equal(run.code, 2, run.stderr)
    assert.ok(run.stderr.includes(`"${repo}"`), run.stderr)
  }
  const forms = await devvy(home, ["run", "-t", "Fix it", "--description", "d", "--model", "m/m", "--repo", "ftp://x"])
  assert.match(
    forms.stderr,
    /expected https:\/\/dev\.azure\.com\/\{org\}\/\{project\}\/_git\/\{repo\}.*or a local path/,
  )
  assert.deepEqual(await ticketsIn(home), [])
})

Deno.test("run with a model opencode would reject exits 2 naming it and the provider/model form, and stores no ticket", async () => {
  const home = tempHome()
  for (const model of ["claude-sonnet-4.6", "/gpt-5", "github-copilot/", "openai/gpt 5"]) {
    const run = await devvy(home, ["run", "-t", "T", "--description", "d", "--model", model, "--repo", home])
    assert.equal(run.code, 2, `${model}: ${run.stderr}`)
    assert.ok(run.stderr.includes(`"${model}"`), run.stderr)
    assert.match(run.stderr, /provider\/model \(e\.g\. github-copilot\/claude-sonnet-4\.6\)/)
  }
  assert.deepEqual(await ticketsIn(home), [])
})

Deno.test("help is plain text off a terminal and lists every command", async () => {
  const help = await devvy(tempHome(), ["--help"])
  assert.equal(help.code, 0)
  assert.ok(!help.stdout.includes("\x1b["), "no colour codes")
  for (const command of ["init", "run", "ps", "status", "logs", "resume", "cancel", "review"]) {
    assert.match(help.stdout, new RegExp(`\\b${command}\\b`), command)
  }
  const version = await devvy(tempHome(), ["--version"])
  assert.match(version.stdout, /\d+\.\d+\.\d+/)
})

Deno.test("review, to read or to act, refuses a ticket that has no pull request yet", async () => {
  const home = tempHome()
  fs.mkdirSync(path.join(home, "repo"))
  const ticket = await Effect.runPromise(
    Effect.flatMap(
      TicketStore,
      (store) => store.create({ title: "T", description: "d", repoUrl: path.join(home, "repo"), model: "m/m" }),
    ).pipe(
      Effect.provide(storeAt(home)),
      Effect.scoped,
    ),
  )
  const none = await devvy(home, ["review", ticket.id])
  assert.equal(none.code, 2)
  assert.match(none.stderr, /has no pull request yet/)
  const approve = await devvy(home, ["review", ticket.id, "--approve"])
  assert.equal(approve.code, 2)
  assert.match(approve.stderr, /pull request/i)
})
