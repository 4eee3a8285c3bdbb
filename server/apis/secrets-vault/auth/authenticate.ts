/** POST /api/auth/authenticate: verifies a zkimg-1 proof and continues the login (identity/vault/zkimg-login.ts). */
import { authenticate as verifyLogin } from '../../../identity/vault/zkimg-login.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const authenticate: VaultHandlers<'authenticate'>['authenticate'] = async ({ query, body, context }) => {
  const result = await verifyLogin(context.services, context, {
    authReqId: query.auth_req_id,
    username: body.username,
    cipherKey: body.cipherKey,
    challengeId: body.challenge_id,
    challengeData: body.challenge_data,
    ber: body.ber,
    logData: body.log_data,
  });
  return { status: 200, body: result };
};
