/** POST /api/auth/register: zkimg-1 enrolment of a new user (identity/vault/enrolment.ts); 201 `null`. */
import { register as enrol } from '../../../identity/vault/enrolment.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const register: VaultHandlers<'register'>['register'] = async ({ query, body, context }) => {
  await enrol(context.services, context, {
    authReqId: query.auth_req_id,
    username: body.username,
    email: body.email,
    encryptedCommitment: body.encrypted_commitment,
    protoVersion: body.proto_version,
  });
  return { status: 201, body: null };
};
