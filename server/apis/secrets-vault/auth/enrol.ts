/** POST /api/auth/enrolment: the first image and PIN of an invited user, with the e-mailed link's token (identity/vault/link-flows.ts). */
import { enrolWithLink } from '../../../identity/vault/link-flows.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const enrol: VaultHandlers<'enrol'>['enrol'] = async ({ body, context }) => {
  await enrolWithLink(context.services, context, { tenantId: body.tenant_id, token: body.token, encryptedCommitment: body.encrypted_commitment, protoVersion: body.proto_version });
  return { status: 200, body: null };
};
