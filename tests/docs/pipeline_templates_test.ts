import assert from "node:assert/strict"
import { load } from "js-yaml"
import { devvy } from "../support/devvy_cli.ts"

// These workflows run only on GitHub and Azure DevOps, which cannot be reached from here; what can be checked is
// that each parses, names actions and tasks that exist, and asks deno and devvy for what they have.
const root = new URL("../../", import.meta.url)
const read = async (file: string): Promise<unknown> => load(await Deno.readTextFile(new URL(file, root)))

// The published major versions the files may use (github.com/actions/*, denoland/setup-deno, and the built-in
// Azure Pipelines tasks). An unknown name or version is a step that would not start.
const githubActions = new Set([
  "actions/checkout@v4",
  "denoland/setup-deno@v2",
  "actions/upload-artifact@v4",
  "actions/download-artifact@v4",
  "actions/cache@v4",
  "actions/cache/restore@v4",
  "actions/cache/save@v4",
])
const azureTasks = new Set(["Cache@2", "Bash@3", "PublishPipelineArtifact@1", "DownloadPipelineArtifact@2"])

type Step = Readonly<Record<string, unknown>>
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)
const records = (value: unknown): ReadonlyArray<Step> => Array.isArray(value) ? value.filter(isRecord) : []

const githubSteps = (workflow: unknown): ReadonlyArray<Step> => {
  assert.ok(isRecord(workflow) && isRecord(workflow.jobs), "a workflow has jobs")
  return Object.values(workflow.jobs).flatMap((job) => isRecord(job) ? records(job.steps) : [])
}
const azureSteps = (pipeline: unknown): ReadonlyArray<Step> => {
  assert.ok(isRecord(pipeline), "a pipeline is a mapping")
  return records(pipeline.jobs).flatMap((job) => records(job.steps))
}

/** The shell text of a step: `run:` on GitHub, a Bash@3 task's inline script on Azure DevOps. */
const scriptOf = (step: Step): string =>
  typeof step.run === "string"
    ? step.run
    : isRecord(step.inputs) && typeof step.inputs.script === "string"
    ? step.inputs.script
    : ""

const uses = (steps: ReadonlyArray<Step>) => steps.flatMap((s) => typeof s.uses === "string" ? [s.uses] : [])
const tasks = (steps: ReadonlyArray<Step>) => steps.flatMap((s) => typeof s.task === "string" ? [s.task] : [])

/** Every `devvy <command> --flag…` in the scripts, as [command, flags]. */
const devvyCalls = (steps: ReadonlyArray<Step>) =>
  steps.flatMap((s) =>
    [...scriptOf(s).matchAll(/^\s*devvy ([a-z]+)([^\n]*)/gm)].map((m) =>
      [m[1], [...m[2].matchAll(/(--[a-z-]+)/g)].map((f) => f[1])] as const
    )
  )

const assertDevvyHas = async (calls: ReadonlyArray<readonly [string, ReadonlyArray<string>]>) => {
  assert.ok(calls.length > 0, "the template runs devvy")
  const home = await Deno.makeTempDir({ prefix: "devvy-templates-" })
  try {
    for (const [command, flags] of calls) {
      const help = await devvy(home, [command, "--help"])
      assert.equal(help.code, 0, `devvy has no command "${command}": ${help.stderr}`)
      for (const flag of flags) assert.ok(help.stdout.includes(flag), `devvy ${command} has no ${flag}`)
    }
  } finally {
    await Deno.remove(home, { recursive: true })
  }
}

Deno.test("the release workflow tests, then compiles every release target and attaches the sums", async () => {
  const workflow = await read(".github/workflows/release.yml")
  assert.ok(isRecord(workflow) && isRecord(workflow.on) && isRecord(workflow.on.push))
  assert.deepEqual(workflow.on.push.tags, ["v*.*.*"])
  const steps = githubSteps(workflow)
  assert.deepEqual(uses(steps).filter((u) => !githubActions.has(u)), [])

  const scripts = steps.map(scriptOf).join("\n")
  assert.match(scripts, /\.ci\/run/)
  const tasksRun = [...scripts.matchAll(/deno task ([a-z]+)/g)].map((m) => m[1])
  const denoJson: unknown = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)))
  assert.ok(isRecord(denoJson) && isRecord(denoJson.tasks))
  const known = Object.keys(denoJson.tasks)
  assert.deepEqual(tasksRun.filter((t) => !known.includes(t)), [])
  assert.ok(tasksRun.includes("compile"))

  const { targets } = await import("../../scripts/compile.ts")
  assert.ok(isRecord(workflow.jobs) && isRecord(workflow.jobs.compile) && isRecord(workflow.jobs.compile.strategy))
  const matrix = workflow.jobs.compile.strategy.matrix
  assert.ok(isRecord(matrix))
  assert.deepEqual(matrix.target, [...targets])
  assert.match(scripts, /sha256sum devvy-\* > SHA256SUMS/)
  assert.match(scripts, /gh release upload .*dist\/devvy-\* dist\/SHA256SUMS/)
})

Deno.test("compile takes one release target, every one, or this machine's, and refuses another", async () => {
  const { chosenTargets, targets } = await import("../../scripts/compile.ts")
  assert.deepEqual(chosenTargets(["--target", "aarch64-apple-darwin"]), ["aarch64-apple-darwin"])
  assert.deepEqual(chosenTargets(["--all"]), [...targets])
  assert.deepEqual(chosenTargets([]), [undefined])
  assert.throws(() => chosenTargets(["--target", "riscv64"]), /unknown --target "riscv64"/)
})

Deno.test("the GitHub Actions template runs devvy on an issue from secrets in its environment and caches its store", async () => {
  const workflow = await read("docs/pipelines/github-actions.yml")
  const steps = githubSteps(workflow)
  assert.deepEqual(uses(steps).filter((u) => !githubActions.has(u)), [])
  assert.ok(uses(steps).includes("actions/cache/restore@v4") && uses(steps).includes("actions/cache/save@v4"))
  const text = await Deno.readTextFile(new URL("docs/pipelines/github-actions.yml", root))
  assert.match(text, /DEVVY_GITHUB_TOKEN: \$\{\{ secrets\.DEVVY_GITHUB_TOKEN \}\}/)
  assert.doesNotMatch(text, /coding-agent\.toml|devvy init/, "no config file: environment variables only")
  const calls = devvyCalls(steps)
  assert.deepEqual(calls.map(([c, f]) => [c, f]), [["run", ["--issue"]]])
  assert.match(steps.map(scriptOf).join("\n"), /exit "\$code"/, "a failed ticket fails the job")
  await assertDevvyHas(calls)
})

Deno.test("the Azure Pipelines template runs devvy on a work item with its secrets mapped into the step", async () => {
  const pipeline = await read("docs/pipelines/azure-pipelines.yml")
  const steps = azureSteps(pipeline)
  assert.deepEqual(tasks(steps).filter((t) => !azureTasks.has(t)), [])
  assert.ok(tasks(steps).includes("Cache@2"))
  const run = steps.find((s) => scriptOf(s).includes("devvy run"))
  assert.ok(run !== undefined && isRecord(run.env))
  assert.equal(run.env.DEVVY_ADO_PAT, "$(DEVVY_ADO_PAT)")
  const calls = devvyCalls(steps)
  assert.deepEqual(calls.map(([c, f]) => [c, f]), [["run", ["--work-item"]]])
  assert.match(scriptOf(run), /exit "\$code"/, "a failed ticket fails the job")
  await assertDevvyHas(calls)
})
