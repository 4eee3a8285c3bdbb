/**
 * POST /api/users/{tenant_id}/batch-delete: deletes the listed users of the tenant; ids of other
 * tenants (or of nobody) are ignored, as the spec says, so the answer tells a caller nothing about
 * them. 201 with `null`, as in the seed. What goes with each user (keys, sessions, commitment,
 * passkeys, group memberships) is identity/user-removal.ts.
 */
import { validationError } from '../../../http/errors.ts';
import { removeUserTraces } from '../../../identity/user-removal.ts';
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
    await removeUserTraces(context.services.store, identity.apiKeys, params.tenant_id, userId);
  }
  await auditAdmin(context, principal, { tenantId: params.tenant_id, action: 'user.batch_delete', target: null, details: { deleted } });
  return { status: 201, body: null };
};
