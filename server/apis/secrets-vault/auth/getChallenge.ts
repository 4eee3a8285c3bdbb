/** POST /api/auth/challenge: opens the commitment with cipherKey and issues a zkimg-1 challenge (identity/vault/zkimg-login.ts). */
import { issueChallenge } from '../../../identity/vault/zkimg-login.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const getChallenge: VaultHandlers<'getChallenge'>['getChallenge'] = async ({ query, body, context }) => {
  const result = await issueChallenge(context.services, context, { authReqId: query.auth_req_id, username: body.username, cipherKey: body.cipherKey });
  return { status: 200, body: result };
};
