import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as fs from "node:fs"
import * as path from "node:path"
import type { TicketId } from "../../domain/TicketId.ts"
import type { FailedValidation } from "../prompts/prompts.ts"
import { validationScripts } from "./scripts.ts"
import { AppConfig } from "../../services/config/AppConfig.ts"
import { type ContainerSpec, DockerEngine } from "../../services/docker/DockerEngine.ts"
import { DevvyPaths } from "../../services/config/DevvyPaths.ts"
import { envFileName } from "../../services/workspace/Workspace.ts"
import { copyWorkspaceOut, invokingOwner, syncWorkspaceIn, workspacePair, workspaceVolume } from "../worker_files.ts"
import { detectBuildTarget } from "./build_target.ts"
import { OutputTail } from "./output_tail.ts"
import { reportActivity } from "../../services/tracing/TicketActivity.ts"

/** The image VALIDATE builds for a ticket. */
export const validationImage = (id: TicketId): string => `devvy-validate-${id}:latest`

/** The workspace's .env as a path inside the build context, when the context holds it. */
const envInContext = (workspace: string, target: { readonly context: string }): ReadonlyArray<string> => {
  const relative = path.relative(target.context, path.join(workspace, envFileName))
  return relative.startsWith("..") ? [] : [relative]
}

/**
 * The running container the scripts run in, removed when the scope closes. In copy mode it mounts the
 * ticket's workspace volume, which holds the worker's copy (see worker_files.ts), first brought up to
 * date with what changed on this host since (devvy's commits), as the shared bind mount would be.
 */
const validationContainer = Effect.fnUntraced(function* (id: TicketId, spec: ContainerSpec, copy: boolean) {
  const docker = yield* DockerEngine
  if (!copy) return (yield* docker.runContainer(spec)).id
  const pair = workspacePair(yield* DevvyPaths, id, "")
  const container = (yield* docker.runContainer({
    ...spec,
    volumes: [{ name: workspaceVolume(id).name, target: pair.containerPath }],
  })).id
  yield* syncWorkspaceIn(id, container, copyWorkspaceOut(id, container, { whole: true }))
  return container
})

/** format.sh may fail without failing the ticket; its changes are kept either way. */
const fatal = (script: string): boolean => !script.endsWith("format.sh")

export type ValidationOutcome = Omit<FailedValidation, "attempt" | "maxAttempts">

/**
 * Builds the repository's image and runs its scripts in a throw-away container that gets the workspace
 * (with its .env) and nothing else: no PAT, no agent credentials, no Docker socket. The container and
 * the image are removed when the scope closes, pass or fail. The first fatal failure is returned.
 */
export const runValidation = Effect.fn("Validate.run")(function* (
  id: TicketId,
  workspace: string,
  repoName: string,
) {
  const docker = yield* DockerEngine
  const config = yield* AppConfig
  const target = yield* detectBuildTarget(workspace, repoName)
  yield* Effect.logInfo(
    `validation image: ${target._tag === "WorkerImage" ? "the worker image" : "built from"} (${target.source})`,
  )
  let image = config.docker.workerImage
  if (target._tag === "Dockerfile") {
    // One tag per ticket: a build after a crash replaces (and first removes) what the dead run left.
    const tag = validationImage(id)
    yield* reportActivity(id, { _tag: "Script", script: `docker build (${target.source})` })
    yield* docker.removeImage(tag, { force: true })
    const tail = new OutputTail()
    const built = yield* Effect.acquireRelease(
      docker.buildImage({
        tag,
        // The workspace's .env reaches the scripts in the container, never a layer of the image.
        context: { directory: target.context, dockerfile: target.dockerfile, exclude: envInContext(workspace, target) },
        buildArgs: target.args,
        labels: { "devvy.ticket": id, "devvy.role": "validate" },
        onProgress: (line) => Effect.sync(() => tail.push(line)).pipe(Effect.zipRight(Effect.logDebug(line))),
      }).pipe(Effect.either),
      () => docker.removeImage(tag, { force: true }).pipe(Effect.ignore),
    )
    if (built._tag === "Left") {
      if (built.left._tag !== "BuildFailed") return yield* built.left
      yield* Effect.logError(built.left.message)
      return Option.some<ValidationOutcome>({ script: "docker build", exitCode: 1, output: built.left.message })
    }
    image = tag
  }

  const copy = config.docker.workspaceMode === "copy"
  const container = yield* validationContainer(id, {
    image,
    entrypoint: ["sleep"],
    cmd: ["infinity"],
    init: true,
    user: `${invokingOwner().uid}:${invokingOwner().gid}`,
    labels: { "devvy.ticket": id, "devvy.role": "validate" },
    binds: copy ? [] : [`${workspace}:/workspace`],
    workingDir: "/workspace",
    env: { HOME: "/tmp", CI: "true" },
    network: config.docker.network,
  }, copy)

  for (const script of validationScripts) {
    if (!fs.existsSync(path.join(workspace, script))) {
      yield* Effect.logInfo(`${script}: not in the repository, skipped`)
      continue
    }
    yield* Effect.logInfo(`running ${script}`)
    yield* reportActivity(id, { _tag: "Script", script })
    const tail = new OutputTail()
    const { exitCode } = yield* docker.exec(container, {
      cmd: ["bash", script],
      workingDir: "/workspace",
      timeout: config.agent.phaseTimeout,
      onLine: (stream, line) =>
        Effect.sync(() => tail.push(line)).pipe(
          Effect.zipRight(stream === "stderr" ? Effect.logWarning(line) : Effect.logDebug(line)),
        ),
    })
    if (copy && !fatal(script)) {
      // format.sh's changes are kept, as the bind mount keeps them; other scripts' leftovers stay in the
      // volume, as they stay in the bind-mounted workspace, and come back with the next change brought back.
      yield* copyWorkspaceOut(id, container)
    }
    if (exitCode === 0) {
      yield* Effect.logInfo(`${script} passed`)
    } else if (!fatal(script)) {
      yield* Effect.logWarning(`${script} exited with ${exitCode}: not fatal, its changes are kept`)
    } else {
      yield* Effect.logError(`${script} failed with exit code ${exitCode}`)
      return Option.some<ValidationOutcome>({ script, exitCode, output: tail.text() })
    }
  }
  return Option.none<ValidationOutcome>()
}, Effect.scoped)
