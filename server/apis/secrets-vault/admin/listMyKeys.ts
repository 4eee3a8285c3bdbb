/**
 * GET /api/keys: the calling user's keys in its tenant (revoked ones too, `is_active: false`). A
 * tenant-level key has no user: it sees itself only. Never a secret or hash.
 */
import { userIdOf } from '../../../identity/vault/admin-access.ts';
import { toApiKeyInfo } from '../../../identity/vault/api-key-admin.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const listMyKeys: VaultHandlers<'listMyKeys'>['listMyKeys'] = async ({ principal, context }) => {
  const { identity } = context.services;
  const now = new Date();
  const userId = userIdOf(principal);
  if (userId) {
    const [keys, user] = await Promise.all([
      identity.apiKeys.list(principal.tenantId, { ownerId: userId, includeRevoked: true }),
      identity.users.get(principal.tenantId, userId),
    ]);
    return { status: 200, body: { api_keys: keys.map((k) => toApiKeyInfo(k, user?.username ?? '', now)) } };
  }
  const self = principal.kind === 'api_key' ? await identity.apiKeys.get(principal.tenantId, principal.credentialId) : null;
  return { status: 200, body: { api_keys: self ? [toApiKeyInfo(self, '', now)] : [] } };
};
