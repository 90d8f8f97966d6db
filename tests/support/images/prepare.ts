/**
 * Makes the images the tests run on before the tests start, once, so that parallel test workers on a
 * fresh machine do not each debootstrap and build them: the Debian base, then the worker test image.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Effect } from "effect"
import { testWorkerImage } from "../../pipeline/support/ticket_harness.ts"

const started = Date.now()
const image = await Effect.runPromise(testWorkerImage.pipe(Effect.provide(NodeContext.layer)))
console.log(`test images ready (${image}) in ${((Date.now() - started) / 1000).toFixed(0)} s`)
