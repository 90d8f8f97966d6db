/**
 * docker.workspace_mode = "copy": the worker and the validation container get copies of the workspace
 * (and the worker the agent's directory) through the engine's archive endpoints instead of bind mounts,
 * so the engine may be on another host. After every agent run what the agent did is copied back, and git
 * on this host commits it; git, and so every token, never leaves this host.
 *
 * What comes back from the worker's /workspace: every file, folder and symlink, with its mode, and the
 * deletions — but nothing under `.git`. The container's copy of .git is there so the agent can read the
 * history and diff; what it changes there (commits, the index, config, hooks) is dropped, because devvy
 * commits the working tree on this host, and a hook or config written by the agent must never run here.
 *
 * The other way, before every run, what changed in the host's workspace since the two were last the same
 * (format.sh's changes brought back from validation, devvy's commits in .git) goes into the worker, so
 * the agent works on what will be committed and bringing its work back never undoes those changes.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { join } from "node:path"
import type { TicketId } from "../domain/TicketId.ts"
import { AgentCredentials } from "../services/agent/AgentCredentials.ts"
import { agentDir, type AgentMounts, authCopy, workerPaths } from "../services/agent/credentials.ts"
import { AppConfig } from "../services/config/AppConfig.ts"
import { DevvyPaths, workspaceDir } from "../services/config/DevvyPaths.ts"
import { ContainerCopies } from "../services/docker/ContainerCopies.ts"
import { DockerEngine, type DockerEngineShape } from "../services/docker/DockerEngine.ts"
import { FolderCopyFailed } from "../services/docker/DockerError.ts"
import { copyChangesOut, listChanges, markIfSent, unknown, unmark } from "../services/docker/folder_changes.ts"
import { copyFilesIn, copyFolderIn, copyFolderOut, type FileCopy } from "../services/docker/folder_copy.ts"

/** Who owns the files in containers: the invoking user, so what comes back stays theirs. */
export const invokingOwner = () => ({ uid: Deno.uid() ?? 0, gid: Deno.gid() ?? 0 })

/** Never copied back from the workspace: see above. */
export const workspaceKeep = [".git"]

/** Whether containers get copies instead of bind mounts. */
export const copyMode = Effect.map(AppConfig, (config) => config.docker.workspaceMode === "copy")

/** A file on this host that a container gets a copy of; unreadable, it is named in the error. */
const readFile = (host: string, container: string) =>
  Effect.tryPromise({
    try: () => Deno.readFile(host),
    catch: (error) =>
      new FolderCopyFailed({
        direction: "into",
        container,
        path: host,
        detail: error instanceof Error ? error.message : String(error),
      }),
  })

/**
 * The named volume holding the ticket's copy of the workspace: the worker mounts it, and so does every
 * validation container, as both share the bind-mounted workspace in bind mode; so the workspace is
 * unpacked into the engine once per worker, not again for each validation. Removed with the worker.
 */
export const workspaceVolume = (id: TicketId) => ({
  name: `devvy-workspace-${id}`,
  labels: { "devvy.ticket": id, "devvy.role": "workspace" },
})

/**
 * git's objects, loose or packed, are named by their content. git touches an object it was about to write
 * again (`git add` of files it hashes anew), which must not send thousands of them to the worker again.
 */
const gitObject = /^\.git\/objects\/(?:[0-9a-f]{2}\/[0-9a-f]{38,62}|pack\/pack-[0-9a-f]{40,64}\.(?:pack|idx|rev))$/

export type WorkspacePair = ReturnType<typeof workspacePair>

export const workspacePair = (paths: DevvyPaths["Type"], id: TicketId, container: string) => ({
  container,
  containerPath: workerPaths.workspace,
  hostDir: workspaceDir(paths, id),
  volume: workspaceVolume(id).name,
  immutable: (path: string) => gitObject.test(path),
})

/** The whole workspace into a worker that has not started yet. */
export const copyWorkspaceIn = Effect.fn("Worker.copyWorkspaceIn")(function* (id: TicketId, container: string) {
  const pair = workspacePair(yield* DevvyPaths, id, container)
  yield* copyFolderIn(yield* DockerEngine, { ...pair, owner: invokingOwner() })
  yield* (yield* ContainerCopies).record(pair)
})

/** The worker's agent files before it starts: the agent directory, and the read-only files. */
export const copyAgentFilesIn = Effect.fn("Worker.copyAgentFilesIn")(function* (
  container: string,
  mounts: AgentMounts,
) {
  const docker = yield* DockerEngine
  const owner = invokingOwner()
  yield* copyFolderIn(docker, {
    container,
    hostDir: mounts.copies.agentDir,
    containerPath: workerPaths.agentDir,
    owner,
  })
  const files: Array<FileCopy> = []
  for (const file of mounts.copies.readOnly) {
    files.push({ container: file.container, content: yield* readFile(file.host, container), mode: 0o400 })
  }
  yield* copyFilesIn(docker, container, files, owner)
})

/**
 * A container's copy of the workspace (the worker's, or validation's on the same volume) brought up to date
 * before it is used, as a bind mount would be: what changed on this host goes in. When nothing is known of
 * the copy (after a restart), `bringBack` runs instead: the copy holds the agent's latest work. The mark is
 * set again when anything moved.
 */
export const syncWorkspaceIn = <E, R>(id: TicketId, container: string, bringBack: Effect.Effect<unknown, E, R>) =>
  Effect.gen(function* () {
    const pair = workspacePair(yield* DevvyPaths, id, container)
    const copies = yield* ContainerCopies
    const sent = yield* copies.push(pair, invokingOwner())
    if (Option.isNone(sent)) yield* bringBack
    yield* markIfSent(yield* DockerEngine, copies, container, Option.isNone(sent) || sent.value > 0)
  })

/**
 * Before an agent run the worker is brought up to date, as a bind mount would be: the workspace's changes
 * on this host (when nothing is known of the worker's copy, after a restart, the worker's copy is brought
 * back first: it holds the agent's latest work), and auth.json: the ticket's copy of an OAuth one, with
 * the user's current tokens (opencode may refresh it during the run), or the user's own file of API keys.
 */
export const prepareWorkerRun = Effect.fn("Worker.prepareRun")(function* (id: TicketId, container: string) {
  yield* syncWorkspaceIn(id, container, copyOutOfWorker(id, container, { whole: true }))
  const credentials = yield* AgentCredentials
  const authMode = yield* credentials.authModeOf()
  if (authMode === "none") return
  if (authMode === "copy") yield* credentials.beforeRun(id)
  const content = yield* readFile(
    authMode === "copy" ? authCopy(yield* DevvyPaths, id) : credentials.hostAuth,
    container,
  )
  const file = { container: workerPaths.authFile, content, mode: authMode === "copy" ? 0o600 : 0o400 }
  yield* copyFilesIn(yield* DockerEngine, container, [file], invokingOwner())
})

/**
 * The copy's changes to the workspace since its mark, .git excepted (see folder_changes.ts); after that
 * the two are the same. `whole` when nothing is known of the copy (after a restart): the mark may then
 * have moved past changes that never reached this host, so everything comes back.
 */
export const copyWorkspaceOut = Effect.fn("Workspace.copyOut")(function* (
  id: TicketId,
  container: string,
  options: { readonly whole?: boolean } = {},
) {
  const docker = yield* DockerEngine
  const pair = workspacePair(yield* DevvyPaths, id, container)
  const target = { ...pair, keep: workspaceKeep }
  const copies = yield* ContainerCopies
  const listing = options.whole === true
    ? unknown("nothing is known of the copy")
    : yield* listChanges(docker, copies, target)
  if (listing._tag === "Listed" && listing.changed.length === 0) return false
  const workspace = yield* Effect.gen(function* () {
    if (listing._tag === "Listed") {
      const changes = yield* copyChangesOut(docker, target, listing).pipe(
        Effect.tapError((e) => Effect.logDebug(`fetching the changed paths failed: ${e.message}`)),
        Effect.orElseSucceed(() => Option.none()),
      )
      if (Option.isSome(changes)) return changes.value
    }
    yield* Effect.logDebug(
      `bringing the whole workspace back: ${listing._tag === "Listed" ? "too many changes" : listing.reason}`,
    )
    return yield* copyFolderOut(docker, target)
  }).pipe(Effect.onError(() => unmark(docker, copies, container)))
  if (options.whole === true) yield* replaceGitCopy(docker, pair)
  yield* copies.record(pair)
  yield* Effect.logInfo(
    `brought the workspace's changes back: ${workspace.written} written, ${workspace.deleted} deleted`,
  )
  return true
})

/**
 * After a restart the copy's .git may be older than this host's (a commit devvy made after the last sync
 * before the crash), which no later sync would mend: it is replaced by this host's whole.
 */
const replaceGitCopy = Effect.fnUntraced(function* (docker: DockerEngineShape, pair: WorkspacePair) {
  const git = `${pair.containerPath}/.git`
  const { exitCode } = yield* docker.exec(pair.container, { cmd: ["rm", "-rf", "--", git] })
  if (exitCode !== 0) {
    return yield* new FolderCopyFailed({
      direction: "into",
      container: pair.container,
      path: git,
      detail: `removing the old copy exited with ${exitCode}`,
    })
  }
  yield* copyFolderIn(docker, {
    container: pair.container,
    hostDir: join(pair.hostDir, ".git"),
    containerPath: git,
    owner: invokingOwner(),
  })
})

/**
 * After an agent run: the agent's changes to the workspace, and its directory (session database,
 * refreshed OAuth tokens, which are then merged into the user's auth.json).
 */
export const copyOutOfWorker = Effect.fn("Worker.copyOut")(function* (
  id: TicketId,
  container: string,
  options: { readonly whole?: boolean } = {},
) {
  const docker = yield* DockerEngine
  const paths = yield* DevvyPaths
  const credentials = yield* AgentCredentials
  if (!(yield* copyWorkspaceOut(id, container, options))) {
    yield* Effect.logDebug("the agent changed nothing in the workspace")
  }
  const authMode = yield* credentials.authModeOf()
  yield* copyFolderOut(docker, {
    container,
    containerPath: workerPaths.agentDir,
    hostDir: agentDir(paths, id),
    // A read-only auth.json holds the user's API keys: it goes in, never out. Caches are not worth the trip.
    keep: [...(authMode === "copy" ? [] : ["data/opencode/auth.json"]), "home/.cache"],
  })
  yield* credentials.afterRun(id)
})
