/**
 * The real opencode binary in a real worker container, driven through the Docker engine's exec, against
 * the mock model on 127.0.0.1 (the container uses the host's network to reach it).
 */
import { it } from "../../support/effect_test.ts"
import { modelError, permissionAsked, planThenImplement } from "./opencode_scenarios.ts"
import { engine, live, worker } from "./worker_kit.ts"

it.live(
  "in a worker, PLAN then IMPLEMENT in one session leaves the scripted file, replays the plan and stores tokens per phase",
  () => planThenImplement(worker),
  engine,
  live,
)

it.live(
  "in a worker, a model error fails the phase with the model's own message",
  () => modelError(worker),
  engine,
  live,
)

it.live(
  "in a worker, a permission opencode would ask for fails the phase although opencode exits 0",
  () => permissionAsked(worker),
  engine,
  live,
)
