/** POST /api/auth/password/reset: spends a reset code and re-enrols the zkimg-1 commitment. */
import { resetPasswordWithCode } from '../../../identity/vault/enrolment.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const resetPasswordCode: VaultHandlers<'resetPasswordCode'>['resetPasswordCode'] = async ({ body, context }) => {
  await resetPasswordWithCode(context.services, context, {
    code: body.code,
    username: body.username,
    encryptedCommitment: body.encrypted_commitment,
    protoVersion: body.proto_version,
  });
  return { status: 200, body: null };
};
