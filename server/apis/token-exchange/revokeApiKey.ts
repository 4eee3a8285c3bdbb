/**
 * PUT /authorization/v1/api-key/{rid}/delete: revokes one of this API's keys in the caller's org,
 * by its creator or an org administrator (the identity core's revocation: the key stops
 * authenticating everywhere, and access tokens exchanged for it stop working too). A key of
 * another org, or not of this API, is "not found". Revoking a revoked key changes nothing.
 */
import { locatorOf } from '../../identity/orgs/rids.ts';
import { ORG_API_KEY_SCOPE } from '../../identity/orgs/org-access-tokens.ts';
import type { TokenExchangeHandler } from './handler-types.ts';
import { auditKeyChange } from './audit-key.ts';
import { requireCaller } from './caller.ts';
import { apiKeyNotFound, notAuthorized } from './conjure-errors.ts';

export const revokeApiKey: TokenExchangeHandler<'revokeApiKey'> = async ({ params, principal, context }) => {
  const caller = await requireCaller(principal, context);
  const { identity } = context.services;
  const keyId = locatorOf('apiKey', params.rid);
  const key = keyId === null ? null : await identity.apiKeys.get(caller.tenantId, keyId);
  if (key === null || !key.scopes.includes(ORG_API_KEY_SCOPE)) throw apiKeyNotFound(params.rid);
  if (key.ownerId !== caller.user._id && !caller.isAdmin) throw notAuthorized('Only the key\'s creator or an org administrator may revoke it');
  if (key.revokedAt === null && (await identity.apiKeys.revoke(caller.tenantId, key._id))) {
    await auditKeyChange(context, caller, 'api_key.revoke', key._id);
  }
  return { status: 204 };
};
