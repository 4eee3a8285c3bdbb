/**
 * POST /api/users/{tenant_id}/batch-delete: deletes the listed users of the tenant; ids of other
 * tenants (or of nobody) are ignored, as the spec says, so the answer tells a caller nothing about
 * them. 201 with `null`, as in the seed. The users' API keys are revoked with them, so a deleted
 * user's key stops working at once, their open sessions end (no more tokens from them), and their
 * zkimg-1 commitment (image-derived helper data) is erased rather than left orphaned.
 */
import { validationError } from '../../../http/errors.ts';
import { deleteCommitment } from '../../../identity/vault/commitments.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditAdmin } from './audit.ts';

export const MAX_BATCH_DELETE = 1000;

export const batchDeleteUser: VaultHandlers<'batchDeleteUser'>['batchDeleteUser'] = async ({ params, body, principal, context }) => {
  if (body.users_ids.length > MAX_BATCH_DELETE) {
    throw validationError([{ location: 'body', path: ['users_ids'], message: `at most ${MAX_BATCH_DELETE} ids per batch`, type: 'too_long' }]);
  }
  const { identity } = context.services;
  const deleted: string[] = [];
  for (const userId of new Set(body.users_ids)) {
    if (!(await identity.users.delete(params.tenant_id, userId))) continue;
    deleted.push(userId);
    for (const key of await identity.apiKeys.list(params.tenant_id, { ownerId: userId })) {
      await identity.apiKeys.revoke(params.tenant_id, key._id);
    }
    await context.services.store.sessions.updateMany({ tenantId: params.tenant_id, userId, endedAt: null }, { $set: { endedAt: new Date() } });
    await deleteCommitment(context.services.store, params.tenant_id, userId);
  }
  await auditAdmin(context, principal, { tenantId: params.tenant_id, action: 'user.batch_delete', target: null, details: { deleted } });
  return { status: 201, body: null };
};
