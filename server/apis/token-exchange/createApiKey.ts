/**
 * POST /authorization/v1/api-key: a new API key of the caller in the caller's org: an identity-core
 * API key (api-keys.ts: stored hashed, value shown once) owned by the caller and granted this
 * API's scope only, so it exchanges for this API's tokens and carries no other API's rights.
 */
import { ORG_API_KEY_SCOPE } from '../../identity/orgs/org-access-tokens.ts';
import type { TokenExchangeHandler } from './handler-types.ts';
import { apiKeyView } from './api-key-view.ts';
import { auditKeyChange } from './audit-key.ts';
import { requireCaller } from './caller.ts';
import { invalidArgument } from './conjure-errors.ts';

/** Beyond about 100 years the expiry is not a date any more (JavaScript dates end in 275760). */
export const MAX_EXPIRY_DAYS = 36_500;

export const createApiKey: TokenExchangeHandler<'createApiKey'> = async ({ body, principal, context }) => {
  const caller = await requireCaller(principal, context);
  const days = body.expiresAfterDays ?? null;
  if (days !== null && days > MAX_EXPIRY_DAYS) throw invalidArgument(`expiresAfterDays is at most ${MAX_EXPIRY_DAYS}`, { expiresAfterDays: String(days) });
  const { identity } = context.services;
  const now = identity.clock();
  const { key, value } = await identity.apiKeys.create({
    tenantId: caller.tenantId,
    ownerId: caller.user._id,
    name: body.apiKeyName,
    scopes: [ORG_API_KEY_SCOPE],
    expiresAt: days === null ? null : new Date(now.getTime() + days * 86_400_000),
  });
  await auditKeyChange(context, caller, 'api_key.create', key._id);
  return { status: 200, body: { apiKeyMetadata: apiKeyView(key), apiKeyValue: value } };
};
