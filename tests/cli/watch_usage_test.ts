import assert from "node:assert/strict"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { devvy } from "../support/devvy_cli.ts"

const homes: Array<string> = []
const tempHome = () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "devvy-watch-"))
  homes.push(home)
  return home
}
globalThis.addEventListener("unload", () => homes.forEach((home) => fs.rmSync(home, { recursive: true, force: true })))

const configured = {
  DEVVY_MODEL: "mock/m1",
  DEVVY_REPO_URL: "/nonexistent/repo",
  DEVVY_ADO_PAT: "pat-3f1a",
}

Deno.test("watch refuses --max-parallel below 1 as a usage error", async () => {
  const result = await devvy(tempHome(), ["watch", "--max-parallel", "0"], configured)
  assert.equal(result.code, 2)
  assert.match(result.stderr, /--max-parallel must be at least 1, got 0/)
})

Deno.test("watch without the project to watch is a configuration error naming the key", async () => {
  const home = tempHome()
  fs.writeFileSync(path.join(home, "config.toml"), 'model = "mock/m1"\nrepo_url = "/nonexistent/repo"\n')
  const result = await devvy(home, ["watch"], { DEVVY_ADO_PAT: "pat-3f1a" })
  assert.equal(result.code, 2)
  assert.match(result.stderr, /ado\.org_url/)
})
