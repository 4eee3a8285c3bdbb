/**
 * Pending OpenID authorization requests (`auth_req_id`), between `authorize` and
 * `authorize/complete` (specs/secrets-vault.yaml).
 * - `authorize` stores the request once it has passed every check; the login page carries its id.
 *   Each address may open AUTH_REQUESTS_PER_ADDRESS_PER_MINUTE of them per tenant (limitAuthRequests).
 * - A request lives 10 minutes and yields at most one authorization code: completing it is one
 *   guarded update on `completedAt: null` (no transactions), so two racing completions cannot
 *   both succeed.
 */
import { isIPv6 } from 'node:net';
import type { GatewayServices } from '../../services.ts';
import { randomSecret } from '../secrets/hash.ts';
import type { AuthRequestDoc, Store } from '../../store/collections.ts';
import { rateLimited } from '../lockout/errors.ts';

export const AUTH_REQUEST_TTL_SECONDS = 600;

/**
 * Authorization requests one address may open in one tenant per minute
 * (`authorize` is anonymous and stores a request per call). A person's login opens one; 120 a
 * minute leaves room for an office behind one NAT and for test and benchmark runs on loopback,
 * and bounds what one address keeps pending to 120 x 10 minutes of TTL = 1,200 requests per
 * tenant. Over it: 429 with Retry-After and nothing stored. Only requests that passed the checks
 * are counted (a request for an unknown tenant or client is refused without any write, and so
 * creates no counter either).
 */
export const AUTH_REQUESTS_PER_ADDRESS_PER_MINUTE = 120;

/**
 * The address a limit counts: an IPv4 address (also in its IPv6-mapped form) as it is, an IPv6
 * address by its /64, the block one subscriber is usually given, so rotating through it does not
 * multiply the allowance.
 */
export function rateLimitAddress(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/** Counts one `authorize` call from `ip` in the tenant; 429 (Vault `{detail}`, Retry-After) over the limit. */
export async function limitAuthRequests(services: GatewayServices, tenantId: string, ip: string): Promise<void> {
  const r = await services.identity.rateLimiter.hit(`vault:authorize:${tenantId}:${rateLimitAddress(ip)}`, AUTH_REQUESTS_PER_ADDRESS_PER_MINUTE, 60);
  if (!r.allowed) {
    throw rateLimited(`Too many authorization requests from this address; try again in ${r.retryAfterSeconds} s`, r.retryAfterSeconds);
  }
}

export type NewAuthRequest = Omit<AuthRequestDoc, '_id' | 'createdAt' | 'expiresAt' | 'completedAt'>;

export async function createAuthRequest(store: Store, input: NewAuthRequest, now = new Date()): Promise<AuthRequestDoc> {
  const doc: AuthRequestDoc = {
    _id: randomSecret(18),
    ...input,
    createdAt: now,
    expiresAt: new Date(now.getTime() + AUTH_REQUEST_TTL_SECONDS * 1000),
    completedAt: null,
  };
  await store.authRequests.insertOne(doc);
  return doc;
}

/** The tenant's auth request if it exists, has not expired and has not yielded a code yet. */
export function findPendingAuthRequest(store: Store, tenantId: string, authReqId: string, now = new Date()): Promise<AuthRequestDoc | null> {
  return store.authRequests.findOne({ _id: authReqId, tenantId, completedAt: null, expiresAt: { $gt: now } });
}

/** Marks the request completed; null when another completion won the race or it expired meanwhile. */
export function completeAuthRequest(store: Store, tenantId: string, authReqId: string, now = new Date()): Promise<AuthRequestDoc | null> {
  return store.authRequests.findOneAndUpdate(
    { _id: authReqId, tenantId, completedAt: null, expiresAt: { $gt: now } },
    { $set: { completedAt: now } },
    { returnDocument: 'after' },
  );
}
