/**
 * Client authentication at the token endpoint (RFC 6749 §2.3, §3.2.1):
 * - `client_secret_basic`: HTTP Basic whose user and password are the form-urlencoded client id
 *   and secret (§2.3.1); `client_secret_post`: `client_id` and `client_secret` in the form.
 * - At most one method per request (§2.3); a `client_id` in the form must equal the Basic one.
 * - The client must exist in the tenant. A confidential client must prove its secret, compared
 *   in constant time against the stored hash; a public client sends only its `client_id` (its
 *   proof is PKCE) and must not present a secret.
 * - Failures are audited and rate limited per tenant, client and address: past
 *   `CLIENT_AUTH_FAILURE_LIMIT` failures in the window, attempts are refused (`lockout.blocked`,
 *   429 with `invalid_client`) before the secret is even looked at.
 */
import type { ClientDoc } from '../../store/collections.ts';
import { rateLimited } from '../lockout/errors.ts';
import { verifySecretHash } from '../secrets/hash.ts';
import { invalidClient, invalidRequest } from './errors.ts';
import type { GrantServices } from './grant.ts';

export const CLIENT_AUTH_FAILURE_LIMIT = 10;
export const CLIENT_AUTH_WINDOW_SECONDS = 300;

export interface ClientCredentials {
  /** `client_id` of the form, if any */
  formClientId?: string;
  /** `client_secret` of the form, if any */
  formSecret?: string;
  /** decoded `Authorization: Basic` user and password, if that header was sent */
  basic?: { username: string; password: string } | null;
}

export interface AuthenticatedClient {
  client: ClientDoc;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

/** RFC 6749 §2.3.1 / Appendix B: Basic credentials are application/x-www-form-urlencoded. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw invalidRequest('malformed client credentials in the Authorization header');
  }
}

type Services = GrantServices;

const failureKey = (tenantId: string, clientId: string, ip: string) => `oidc:client-auth:${tenantId}:${clientId}:${ip}`;

/**
 * Failures counted so far in the current window, read without counting a hit. The document id
 * is the rate limiter's own (`<key>|<window start ms>`, identity/rate-limit.ts).
 */
async function failuresInWindow(services: Services, key: string, now: Date): Promise<number> {
  const windowMs = CLIENT_AUTH_WINDOW_SECONDS * 1000;
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  const doc = await services.store.rateLimits.findOne({ _id: `${key}|${start}` });
  return doc?.count ?? 0;
}

export async function authenticateClient(
  services: Services,
  input: { tenantId: string; credentials: ClientCredentials; ip: string; realm: string },
): Promise<AuthenticatedClient> {
  const { tenantId, credentials, ip, realm } = input;
  const basic = credentials.basic ?? null;
  if (basic !== null && credentials.formSecret !== undefined) throw invalidRequest('use one client authentication method, not both');
  const basicId = basic === null ? undefined : formDecode(basic.username);
  if (basicId !== undefined && credentials.formClientId !== undefined && credentials.formClientId !== basicId) {
    throw invalidRequest('client_id does not match the Authorization header');
  }
  const clientId = basicId ?? credentials.formClientId;
  if (!clientId) throw invalidRequest('client_id is required');
  const secret = basic !== null ? formDecode(basic.password) : credentials.formSecret;
  const method: AuthenticatedClient['method'] = basic !== null ? 'client_secret_basic' : secret !== undefined ? 'client_secret_post' : 'none';

  const key = failureKey(tenantId, clientId, ip);
  const now = new Date();
  // Two independent reads, in parallel: the client record is only used once the count allows it.
  const [failures, client] = await Promise.all([failuresInWindow(services, key, now), services.identity.clients.get(tenantId, clientId)]);
  if (failures >= CLIENT_AUTH_FAILURE_LIMIT) {
    const retryAfter = CLIENT_AUTH_WINDOW_SECONDS - Math.floor((now.getTime() % (CLIENT_AUTH_WINDOW_SECONDS * 1000)) / 1000);
    throw rateLimited('too many failed client authentications; retry later', retryAfter, { oauthError: 'invalid_client' });
  }

  const problem =
    client === null
      ? 'unknown client'
      : client.type === 'confidential'
        ? secret === undefined || client.secretHash === null
          ? 'client authentication required'
          : verifySecretHash(secret, client.secretHash)
            ? null
            : 'wrong client secret'
        : secret !== undefined
          ? 'a public client has no secret'
          : null;
  if (problem !== null || client === null) {
    await services.identity.rateLimiter.hit(key, CLIENT_AUTH_FAILURE_LIMIT, CLIENT_AUTH_WINDOW_SECONDS);
    await services.identity.audit.record({
      tenantId,
      actor: { type: 'client', id: clientId },
      action: 'oauth.client_auth',
      outcome: 'failure',
      target: clientId,
      ip,
      details: { reason: problem, method },
    });
    throw invalidClient('client authentication failed', realm);
  }
  return { client, method };
}
