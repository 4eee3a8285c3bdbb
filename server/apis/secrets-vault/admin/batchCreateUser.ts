/**
 * POST /api/users/{tenant_id}/batch: creates each listed user independently and reports, as the
 * spec's answer does, how many were created, which usernames already existed (in the tenant or
 * earlier in the same batch) and which failed for another reason (a username outside the Vault's
 * pattern, vault-user-view.ts). One bad item never stops the others.
 */
import { notFound, validationError } from '../../../http/errors.ts';
import { IdentityError } from '../../../identity/errors.ts';
import { usernameKey } from '../../../identity/users.ts';
import { userInputFromVault, usernameProblem } from '../../../identity/vault/vault-user-view.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { auditAdmin } from './audit.ts';

export const MAX_BATCH_USERS = 1000;

export const batchCreateUser: VaultHandlers<'batchCreateUser'>['batchCreateUser'] = async ({ params, body, principal, context }) => {
  const { identity } = context.services;
  if (body.users.length > MAX_BATCH_USERS) {
    throw validationError([{ location: 'body', path: ['users'], message: `at most ${MAX_BATCH_USERS} users per batch`, type: 'too_long' }]);
  }
  if ((await identity.tenants.get(params.tenant_id)) === null) throw notFound(`Tenant ${params.tenant_id} not found`);
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const failures: string[] = [];
  let created = 0;
  for (const user of body.users) {
    if (usernameProblem(user.username)) {
      failures.push(user.username);
      continue;
    }
    const key = usernameKey(user.username);
    if (seen.has(key)) {
      duplicates.push(user.username);
      continue;
    }
    seen.add(key);
    try {
      await identity.users.create(params.tenant_id, userInputFromVault(user));
      created += 1;
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      (error.code === 'resource.conflict' ? duplicates : failures).push(user.username);
    }
  }
  await auditAdmin(context, principal, {
    tenantId: params.tenant_id,
    action: 'user.batch_create',
    target: null,
    details: { created, duplicates: duplicates.length, failures: failures.length },
  });
  return { status: 201, body: { success_created_count: created, fail_create_usernames: failures, duplicate_usernames: duplicates } };
};
