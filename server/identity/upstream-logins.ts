/**
 * A login through an upstream OpenID provider between the redirect to the provider and its
 * callback, for every API that signs users in elsewhere (upstream-oidc.ts does the protocol): the
 * API's own request fields kept under the SHA-256 of a fresh OpenID `state`, with the PKCE verifier
 * (sealed) and the nonce.
 *
 * - `state` is 256 random bits and single-use: the guarded update that consumes it sets `usedAt`,
 *   so a replayed callback finds nothing; the record expires after the caller's TTL.
 * - The login is bound to the browser that started it (RFC 6749 §10.12, OAuth 2.0 Security BCP
 *   §4.7): the start sets a random cookie whose hash the record keeps, and only a callback carrying
 *   that cookie consumes the state. A state lifted from one browser does not finish a login in
 *   another (login CSRF, session fixation), and a forged callback without it burns nothing.
 *
 * Each API keeps its logins in its own collection (its request fields differ); the rules are these.
 */
import type { Collection, Filter, OptionalUnlessRequiredId, UpdateFilter } from 'mongodb';
import type { UpstreamLoginFields } from '../store/collections.ts';
import type { Clock } from './clock.ts';
import { hashSecret, randomSecret } from './secrets/hash.ts';
import type { Sealer } from './secrets/seal.ts';

export interface UpstreamLoginStore<D extends UpstreamLoginFields> {
  collection: Collection<D>;
  sealer: Sealer;
  clock: Clock;
  /** the sealing purpose of the PKCE verifier (one per API) */
  purpose: string;
  ttlSeconds: number;
}

export interface StartedLogin {
  state: string;
  nonce: string;
  /** the browser-binding cookie's value */
  binding: string;
}

/** What a relying party's callback received: the state, the browser's binding cookie, the provider's query, and who called (for the audit). */
export interface UpstreamCallback {
  state: string;
  binding: string | undefined;
  /** every query parameter the provider sent (code or error, state, iss ...) */
  query: URLSearchParams;
  ip: string;
  requestId: string;
}

/** A provider's (or the RP library's) message, safe to log and to show: printable ASCII, at most 200 characters. */
export const printable = (s: string | null) => (s ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 200);

/** The API's own fields of a login, and the issuer of the provider the browser goes to. */
export type LoginRequestOf<D extends UpstreamLoginFields> = Omit<D, Exclude<keyof UpstreamLoginFields, 'upstreamIssuer'>>;

export async function storeUpstreamLogin<D extends UpstreamLoginFields>(s: UpstreamLoginStore<D>, request: LoginRequestOf<D>, verifier: string): Promise<StartedLogin> {
  const state = randomSecret(32);
  const nonce = randomSecret(32);
  const binding = randomSecret(32);
  const now = s.clock();
  const doc = {
    ...request,
    _id: hashSecret(state),
    bindingHash: hashSecret(binding),
    sealedVerifier: s.sealer.seal(s.purpose, verifier),
    nonce,
    createdAt: now,
    expiresAt: new Date(now.getTime() + s.ttlSeconds * 1000),
    usedAt: null,
  };
  await s.collection.insertOne(doc as unknown as OptionalUnlessRequiredId<D>);
  return { state, nonce, binding };
}

/** Consumes the login of `state` for the browser holding `binding`; null when unknown, used, expired or another browser's. */
export async function consumeUpstreamLogin<D extends UpstreamLoginFields>(s: UpstreamLoginStore<D>, state: string, binding: string | undefined): Promise<(D & { verifier: string }) | null> {
  if (!binding) return null;
  const now = s.clock();
  const filter = { _id: hashSecret(state), bindingHash: hashSecret(binding), usedAt: null, expiresAt: { $gt: now } } as Filter<D>;
  const doc = await s.collection.findOneAndUpdate(filter, { $set: { usedAt: now } } as UpdateFilter<D>, { returnDocument: 'after' });
  if (doc === null) return null;
  const login = doc as D;
  return { ...login, verifier: s.sealer.openText(s.purpose, login.sealedVerifier) };
}
