/**
 * POST /api/keys/{key_id}/regenerate: a new secret for the key; the old value stops working at
 * once. Allowed only to a caller holding all the key's scopes, and then to the key itself, the
 * owner's credential with `account`, and key administrators (api-key-admin.ts). The path has no tenant: the key is looked up in the caller's tenant
 * only (any tenant for a platform admin), so another tenant's key id is not found.
 */
import { forbidden, notFound } from '../../../http/errors.ts';
import { isPlatformAdmin } from '../../../identity/vault/admin-access.ts';
import { mayRegenerate, toApiKeyCreated } from '../../../identity/vault/api-key-admin.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditAdmin } from './audit.ts';

export const regenerateApiKey: VaultHandlers<'regenerateApiKey'>['regenerateApiKey'] = async ({ params, principal, context }) => {
  const { identity, store } = context.services;
  const key = isPlatformAdmin(principal)
    ? await store.apiKeys.findOne({ _id: params.key_id })
    : await identity.apiKeys.get(principal.tenantId, params.key_id);
  if (key === null || key.revokedAt !== null) throw notFound('API key not found');
  if (!mayRegenerate(principal, key)) {
    await auditAdmin(context, principal, { tenantId: key.tenantId, action: 'api_key.regenerate', target: key._id, outcome: 'denied' });
    throw forbidden('Only a caller holding all of the key\'s scopes may regenerate it: the key itself, its owner (with the account scope) or a key administrator');
  }
  const fresh = await identity.apiKeys.regenerate(key.tenantId, key._id);
  if (fresh === null) throw notFound('API key not found');
  await auditAdmin(context, principal, { tenantId: key.tenantId, action: 'api_key.regenerate', target: key._id, details: { newKeyId: fresh.key._id } });
  return { status: 200, body: toApiKeyCreated(fresh.key, fresh.value, new Date()) };
};
