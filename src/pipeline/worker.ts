import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { TicketId } from "../domain/TicketId.ts"
import { AgentCredentials } from "../services/agent/AgentCredentials.ts"
import { workerPaths } from "../services/agent/credentials.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { DevvyPaths, workspaceDir } from "../services/config/DevvyPaths.ts"
import { ContainerCopies } from "../services/docker/ContainerCopies.ts"
import { DockerEngine } from "../services/docker/DockerEngine.ts"
import { ensureWorkerImage } from "../services/docker/worker_image.ts"
import {
  copyAgentFilesIn,
  copyOutOfWorker,
  copyWorkspaceIn,
  invokingOwner,
  workspacePair,
  workspaceVolume,
} from "./worker_files.ts"
import { seedWorkspace, type WorkerSeed } from "./worker_seed.ts"

const labels = (id: TicketId) => ({ "devvy.ticket": id, "devvy.role": "worker" })

/** The user the worker runs as: the invoking user, so files in the workspace stay theirs. */
const invokingUser = (): string => `${invokingOwner().uid}:${invokingOwner().gid}`

/**
 * The ticket's worker container: the running one found by its label (after a crash or from another
 * process), else a fresh one over the existing workspace. It outlives the process on purpose, so that
 * `devvy resume` re-attaches to it; MERGED, FAILED and CANCELLED remove it. In copy mode a fresh one
 * gets its copy of the workspace from `seed` when given (worker_seed.ts), else from the host's workspace.
 */
export const ensureWorker = Effect.fn("Worker.ensure")(function* (id: TicketId, seed?: WorkerSeed) {
  const docker = yield* DockerEngine
  const config = yield* AppConfig
  const paths = yield* DevvyPaths
  const found = yield* docker.listContainers(labels(id))
  const running = found.find((c) => c.running)
  if (running !== undefined) {
    yield* Effect.logInfo(`re-attached to worker ${running.name}`)
    return running.id
  }
  const copy = config.docker.workspaceMode === "copy"
  for (const stale of found) {
    // A stopped worker may hold work that never came back (the driver died mid-run): it comes back first.
    // One never started holds no work, only part of a copy.
    if (copy && stale.labels["devvy.role"] === "worker" && stale.status !== "created") {
      yield* copyOutOfWorker(id, stale.id).pipe(
        Effect.catchAll((e) => Effect.logWarning(`nothing came back from the stopped worker: ${e.message}`)),
      )
    }
    yield* docker.removeContainer(stale.id)
    yield* forgetCopies(stale.id)
  }
  const built = yield* ensureWorkerImage(config.docker.workerImage, {
    caBundle: config.docker.caBundle,
    onProgress: (line) => Effect.logDebug(`worker image: ${line}`),
  })
  if (built) yield* Effect.logInfo(`built the worker image ${config.docker.workerImage}`)
  const mounts = yield* (yield* AgentCredentials).prepare(id)
  const volume = workspaceVolume(id)
  const create = Effect.gen(function* () {
    if (copy) {
      // A fresh copy: a volume left by an earlier worker may hold files the workspace no longer has.
      yield* removeVolume(volume.name)
      yield* docker.createVolume(volume.name, volume.labels)
    }
    return yield* docker.createContainer({
      image: config.docker.workerImage,
      name: `devvy-worker-${id}`,
      cmd: ["sleep", "infinity"],
      init: true,
      user: invokingUser(),
      labels: labels(id),
      binds: copy ? [] : [`${workspaceDir(paths, id)}:${workerPaths.workspace}`, ...mounts.binds],
      volumes: copy ? [{ name: volume.name, target: workerPaths.workspace }] : [],
      env: mounts.env,
      workingDir: workerPaths.workspace,
      network: config.docker.network,
    })
  })
  // Until it starts, a worker with half its files is removed on any failure or interruption (and one a
  // crash left so is never copied back, above): a started worker has its whole copy.
  const removedUnlessDone = <A, E, R>(container: string, fill: Effect.Effect<A, E, R>) =>
    fill.pipe(Effect.onError(() => docker.removeContainer(container).pipe(Effect.ignore)))
  let container = yield* create
  if (copy) {
    const pair = workspacePair(paths, id, container)
    const seeded = seed !== undefined && (yield* removedUnlessDone(container, seedWorkspace(id, pair, seed)))
    if (seed !== undefined && !seeded) {
      yield* docker.removeContainer(container)
      container = yield* create
    }
    yield* removedUnlessDone(
      container,
      Effect.zipRight(seeded ? Effect.void : copyWorkspaceIn(id, container), copyAgentFilesIn(container, mounts)),
    )
  }
  yield* docker.startContainer(container)
  yield* Effect.logInfo(`started worker devvy-worker-${id} (${config.docker.workerImage})`)
  return container
})

/** Stops and removes every container and volume of the ticket; what is already gone is fine. */
export const removeWorkers = Effect.fn("Worker.remove")(function* (id: TicketId) {
  const docker = yield* DockerEngine
  const found = yield* docker.listContainers({ "devvy.ticket": id })
  for (const container of found) {
    yield* docker.removeContainer(container.id)
    yield* forgetCopies(container.id)
  }
  // After the containers: a volume in use cannot be removed.
  for (const volume of yield* docker.listVolumes({ "devvy.ticket": id })) yield* removeVolume(volume)
})

const removeVolume = (name: string) =>
  Effect.flatMap(DockerEngine, (docker) => docker.removeVolume(name)).pipe(Effect.zipRight(forgetCopies(name)))

/** What copy mode knew of a removed container or volume goes with it (cancel runs without that service). */
const forgetCopies = (holder: string) =>
  Effect.flatMap(
    Effect.serviceOption(ContainerCopies),
    Option.match({ onNone: () => Effect.void, onSome: (copies) => copies.forget(holder) }),
  )

/**
 * What a driver that died (kill -9, a reboot) may have left: an opencode process still running in the
 * worker, a validation container. Restarting the worker ends the one without losing the workspace or
 * the agent's data, which live in bind mounts (or, copied, in the ticket's workspace volume and the
 * container's own files, which a restart keeps); the other is removed. Run once when a driver takes over.
 */
export const recoverFromDeadDriver = Effect.fn("Worker.recover")(function* (id: TicketId) {
  const docker = yield* DockerEngine
  const found = yield* docker.listContainers({ "devvy.ticket": id })
  for (const container of found) {
    if (container.labels["devvy.role"] === "worker" && container.running) {
      yield* docker.stopContainer(container.id, { timeout: "2 seconds" })
      yield* docker.startContainer(container.id)
      yield* Effect.logInfo(`restarted worker ${container.name} to end what an earlier run left`)
    } else if (container.labels["devvy.role"] === "validate") {
      yield* docker.removeContainer(container.id)
    }
  }
})
