/**
 * The org member behind a bearer access token (identity/orgs/org-access-tokens.ts `callerOf`):
 * the token was verified by the security scheme; its user must still be enabled and its API key
 * still live, else the request is unauthenticated.
 */
import { unauthorized } from '../../http/errors.ts';
import { callerOf, type OrgCaller } from '../../identity/orgs/org-access-tokens.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';

export async function requireCaller(principal: ApiPrincipal, context: ApiContext): Promise<OrgCaller> {
  const { identity } = context.services;
  const caller = await callerOf(
    { users: identity.users, apiKeys: identity.apiKeys, clock: identity.clock },
    { tid: principal.tenantId, sub: principal.subject, akid: principal.claims?.akid },
  );
  if (caller === null) throw unauthorized('The token no longer names an active user', { code: 'Default:Unauthorized' });
  return caller;
}
