/**
 * A Directory login between `authenticate` and `onauthenticated`: the caller's request (claim, app
 * claims, appdata, redirect URL, native token) kept under the SHA-256 of a fresh OpenID `state`,
 * with the PKCE verifier (sealed) and the nonce.
 *
 * - `state` is 256 random bits and single-use: the guarded update that consumes it sets `usedAt`,
 *   so a replayed callback finds nothing; it expires after LOGIN_TTL_SECONDS.
 * - The login is bound to the browser that started it (RFC 6749 §10.12, OAuth 2.0 Security BCP
 *   §4.7): `authenticate` sets a random cookie whose hash the record keeps, and only a callback
 *   carrying that cookie consumes the state. A state lifted from one browser does not finish a login
 *   in another (login CSRF, session fixation), and a forged callback without it burns nothing.
 */
import { randomBytes } from 'node:crypto';
import type { DirectoryLoginDoc } from '../../store/collections.ts';
import type { DirectoryDeps } from './context.ts';
import { sha256Hex } from './hash.ts';

export const LOGIN_TTL_SECONDS = 600;
const VERIFIER_PURPOSE = 'directory-login';

export type LoginRequest = Pick<DirectoryLoginDoc, 'tenantId' | 'claims' | 'appClaims' | 'appData' | 'redirectUrl' | 'needExtendedBearer' | 'nativeTokenHash' | 'upstreamIssuer'>;

export interface StartedLogin {
  state: string;
  nonce: string;
  /** the browser-binding cookie's value */
  binding: string;
}

export async function storeLogin(deps: DirectoryDeps, request: LoginRequest, verifier: string): Promise<StartedLogin> {
  const state = randomBytes(32).toString('base64url');
  const nonce = randomBytes(32).toString('base64url');
  const binding = randomBytes(32).toString('base64url');
  const now = deps.core.clock();
  await deps.store.directoryLogins.insertOne({
    _id: sha256Hex(state),
    ...request,
    bindingHash: sha256Hex(binding),
    sealedVerifier: deps.core.sealer.seal(VERIFIER_PURPOSE, verifier),
    nonce,
    createdAt: now,
    expiresAt: new Date(now.getTime() + LOGIN_TTL_SECONDS * 1000),
    usedAt: null,
  });
  return { state, nonce, binding };
}

/** Consumes the login of `state` for the browser holding `binding`; null when unknown, used, expired or another browser's. */
export async function consumeLogin(deps: DirectoryDeps, state: string, binding: string | undefined): Promise<(DirectoryLoginDoc & { verifier: string }) | null> {
  if (!binding) return null;
  const now = deps.core.clock();
  const doc = await deps.store.directoryLogins.findOneAndUpdate(
    { _id: sha256Hex(state), bindingHash: sha256Hex(binding), usedAt: null, expiresAt: { $gt: now } },
    { $set: { usedAt: now } },
    { returnDocument: 'after' },
  );
  if (doc === null) return null;
  return { ...doc, verifier: deps.core.sealer.openText(VERIFIER_PURPOSE, doc.sealedVerifier) };
}
