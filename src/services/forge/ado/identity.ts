/** Who the PAT acts as, asked once per client: comments by this identity are devvy's own. */
import * as Effect from "effect/Effect"
import { Identity } from "../Forge.ts"
import type { ForgeError } from "../ForgeError.ts"
import { onceSucceeded } from "../forge_effects.ts"
import { type AdoRequest, API_VERSION_PREVIEW } from "./ado_http.ts"
import { ConnectionData } from "./schemas.ts"

type Send = <A, I>(request: AdoRequest<A, I>) => Effect.Effect<A, ForgeError>

export const adoIdentity = (send: Send, orgUrl: string) =>
  onceSucceeded(
    send({
      method: "GET",
      url: `${orgUrl}/_apis/connectionData`,
      apiVersion: API_VERSION_PREVIEW,
      what: "the organization",
      schema: ConnectionData,
    }).pipe(
      Effect.map(({ authenticatedUser: user }) =>
        new Identity({ id: user.id, name: user.providerDisplayName ?? user.customDisplayName ?? user.id })
      ),
      Effect.withSpan("Ado.identity"),
    ),
  )
