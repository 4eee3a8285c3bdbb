/**
 * The Passkeys API's credentials (seed 003 §3.4):
 * - API keys as `Authorization: Basic base64("<key>:")`. LoginID's scopes are named on the
 *   identity core's key scopes (the ones the Vault's keys carry), so one key works in both APIs:
 *   `users:read` gives user:read and profile:read, `users:write` user:write and profile:write,
 *   `passkeys:read` passkey:read, `passkeys:write` passkey:write, `tokens:issue` external:verify.
 *   A key may also hold LoginID's own scope names.
 * - JWTs of this API (mgmt/grant tokens, `jwtAccess`), as `Authorization: Bearer <JWT>` or, as
 *   LoginID's web SDK sends them, the JWT alone. `self:write` stands for the self-service grants.
 */
import type { Request } from 'express';
import { unauthorized } from '../../http/errors.ts';
import type { Principal } from '../../http/principal.ts';
import type { SchemeAuthenticator } from '../../http/mount-api.ts';
import type { GatewayServices } from '../../services.ts';
import { basicApiKey } from '../../security/api-key.ts';
import { TokenError } from '../../identity/tokens.ts';
import { expandGrants, verifyAccessToken } from '../../identity/loginid/tokens.ts';
import { parseMfaSession } from '../../identity/loginid/mfa-sessions.ts';
import { findActiveSession } from '../../identity/sessions.ts';

export const LOGINID_FROM_CORE_SCOPES: Record<string, readonly string[]> = {
  'users:read': ['user:read', 'profile:read'],
  'users:write': ['user:write', 'profile:write'],
  'passkeys:read': ['passkey:read'],
  'passkeys:write': ['passkey:write'],
  'tokens:issue': ['external:verify'],
};

export function loginidScopesOf(coreScopes: readonly string[]): string[] {
  const out = new Set<string>(coreScopes);
  for (const s of coreScopes) for (const mapped of LOGINID_FROM_CORE_SCOPES[s] ?? []) out.add(mapped);
  return [...out];
}

export function loginidApiKey(scheme: string): SchemeAuthenticator<GatewayServices> {
  const basic = basicApiKey(scheme);
  return async (req, services) => {
    const p = await basic(req, services);
    return p === null ? null : { ...p, scopes: loginidScopesOf(p.scopes) };
  };
}

/** The JWT in Authorization, with or without `Bearer `; null when there is none (or it is Basic). */
function tokenOf(req: Request): string | null {
  const value = req.get('authorization');
  if (value === undefined) return null;
  if (/^Basic\s/i.test(value)) return null;
  const token = value.replace(/^Bearer\s+/i, '').trim();
  if (!token) throw unauthorized('Empty token');
  return token;
}

/**
 * A JWT of this API that verifies and is still alive: an MFA access token belongs to a login
 * session (`sid`, identity/loginid/mfa-tokens.ts) and dies with it (refresh-token reuse, a
 * deactivated user), not only at its `exp`. Refuses (401) anything else. The one check behind both
 * the API's bearer scheme and mgmt/token/verify, so a relying party's backend and this API never
 * disagree about a token.
 */
export async function verifyLiveToken(services: GatewayServices, token: string): Promise<Awaited<ReturnType<typeof verifyAccessToken>>['payload']> {
  try {
    const { payload } = await verifyAccessToken(services.identity.tokens, services.config.publicUrl, token);
    if (typeof payload.sid === 'string' && (await findActiveSession(services.store, String(payload.tid), payload.sid, services.identity.clock())) === null) {
      throw unauthorized('Invalid token: its session has ended');
    }
    return payload;
  } catch (e) {
    if (e instanceof TokenError) throw unauthorized(`Invalid token: ${e.reason.replace(/_/g, ' ')}`);
    throw e;
  }
}

/** The principal of a JWT of this API; refuses (401) a token that does not verify or whose session ended. */
export async function principalOfToken(services: GatewayServices, scheme: string, token: string): Promise<Principal> {
  const payload = await verifyLiveToken(services, token);
  return {
    scheme,
    kind: 'access_token',
    tenantId: String(payload.tid),
    userId: String(payload.sub),
    subject: String(payload.sub),
    scopes: expandGrants(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []),
    credentialId: typeof payload.jti === 'string' ? payload.jti : '',
    claims: payload,
  };
}

export function loginidJwt(scheme: string): SchemeAuthenticator<GatewayServices> {
  return async (req, services) => {
    const token = tokenOf(req);
    return token === null ? null : principalOfToken(services, scheme, token);
  };
}

/**
 * The session string of an MFA flow (identity/loginid/mfa-sessions.ts) as a principal: the flow must
 * exist; whether the string is the flow's current one, unexpired, for this step, is the step's
 * question (mfa-step.ts), so that a replayed or expired one counts against the flow's user.
 * Null when the value is not an MFA session string.
 */
export async function mfaSessionPrincipal(services: GatewayServices, scheme: string, value: string): Promise<Principal | null> {
  const parsed = parseMfaSession(value);
  if (parsed === null) return null;
  const flow = await services.store.loginidMfaSessions.findOne({ _id: parsed.flowId }, { projection: { tenantId: 1 } });
  if (flow === null) throw unauthorized('Invalid or expired session');
  return {
    scheme,
    kind: 'passkeys_session',
    tenantId: flow.tenantId,
    subject: parsed.flowId,
    scopes: [],
    credentialId: parsed.flowId,
    claims: { mfaFlowId: parsed.flowId, mfaSecret: parsed.secret },
  };
}
