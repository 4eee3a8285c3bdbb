/** POST /api/auth/password/change: the authenticated user re-enrols their zkimg-1 commitment. */
import { changePassword as reenrol } from '../../../identity/vault/enrolment.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const changePassword: VaultHandlers<'changePassword'>['changePassword'] = async ({ body, principal, context }) => {
  await reenrol(context.services, context, {
    tenantId: principal.tenantId,
    userId: principal.userId,
    encryptedCommitment: body.encrypted_commitment,
    protoVersion: body.proto_version,
  });
  return { status: 200, body: null };
};
