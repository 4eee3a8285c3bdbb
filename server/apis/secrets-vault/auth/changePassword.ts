/**
 * POST /api/auth/password/change: the authenticated user re-enrols their zkimg-1 commitment.
 *
 * Only a credential that belongs to a user may do this: a user's API key or a user's access token.
 * A client_credentials token names its client in `sub`, and a client_id is chosen by whoever
 * registers the client, so it may equal a user's id: `requireUserId` refuses such tokens (404, as
 * /me does) instead of taking `sub` for a user.
 */
import { requireUserId } from '../../../identity/vault/admin-access.ts';
import { changePassword as reenrol } from '../../../identity/vault/enrolment.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const changePassword: VaultHandlers<'changePassword'>['changePassword'] = async ({ body, principal, context }) => {
  await reenrol(context.services, context, {
    tenantId: principal.tenantId,
    userId: requireUserId(principal),
    encryptedCommitment: body.encrypted_commitment,
    protoVersion: body.proto_version,
  });
  return { status: 200, body: null };
};
