/**
 * What the Directory session rules need: the identity core (store, clock, tokens, audit, sealer,
 * signals) and the deployment's Directory policy (config.ts `DirectorySettings`).
 */
import type { DirectorySettings } from '../../config.ts';
import type { IdentityCore } from '../index.ts';
import type { Store } from '../../store/collections.ts';

export interface DirectoryDeps {
  core: IdentityCore;
  store: Store;
  settings: DirectorySettings;
}

/** The deps from what a request's services hold (GatewayServices has these three). */
export function directoryDepsOf(services: { identity: IdentityCore; store: Store; config: { directory: DirectorySettings } }): DirectoryDeps {
  return { core: services.identity, store: services.store, settings: services.config.directory };
}

/** Base URL of the Directory session API (its redirect URIs, its token issuer). */
export const directoryBase = (publicUrl: string) => `${publicUrl}/directory/api/directorysession`;

/** The SHA-256 of a bearer secret (native token, state, cookie): records are found by it, never by the secret. */
export { sha256Hex } from './hash.ts';
