import assert from "node:assert/strict"
import { isOutage, outageTags, TicketRejected } from "../../src/pipeline/errors.ts"
import { AgentExited, AgentWorkerFailed } from "../../src/services/agent/AgentError.ts"
import { EngineTlsInvalid, EngineUnreachable, ExecFailed } from "../../src/services/docker/DockerError.ts"
import { ForgeAuthFailed, ForgeUnavailable } from "../../src/services/forge/ForgeError.ts"

Deno.test("an unreachable engine, certificates it refuses, an unavailable forge and a failed worker are outages that pause the ticket", () => {
  const outages = [
    new EngineUnreachable({ host: "unix:///var/run/docker.sock", reason: "refused", detail: "connection refused" }),
    new EngineTlsInvalid({
      host: "tcp://build:2376",
      file: "/home/dev/.docker/ca.pem",
      detail: "not signed by this CA",
    }),
    new ForgeUnavailable({ url: "https://dev.azure.com/acme", detail: "503 after retries" }),
    new AgentWorkerFailed({ worker: "devvy-worker-abc123", detail: "no such container" }),
  ]
  for (const error of outages) assert.equal(isOutage(error), true, error._tag)
  assert.deepEqual([...outageTags].sort(), outages.map((e) => e._tag).sort())
})

Deno.test("a failure the ticket itself caused is no outage: the ticket fails", () => {
  const failures: ReadonlyArray<unknown> = [
    new ExecFailed({ containerId: "abc", command: "npm test", detail: "stream broke" }),
    new ForgeAuthFailed({ url: "https://dev.azure.com/acme" }),
    new AgentExited({ exitCode: 1, stderr: "" }),
    new TicketRejected({ reason: "no changes" }),
    new Error("EngineUnreachable"),
    "EngineUnreachable",
    undefined,
  ]
  for (const error of failures) assert.equal(isOutage(error), false, String(error))
})
