/** POST /api/passkeys/auth/options: WebAuthn request options for a login in `tenant_id` (identity/vault/passkeys.ts). */
import { vaultAuthOptions } from '../../../identity/vault/passkeys.ts';
import type { VaultHandlers } from '../handler-types.ts';

export const authOptions: VaultHandlers<'authOptions'>['authOptions'] = async ({ query, body, context }) => {
  const options = await vaultAuthOptions(context.services, context, { queryTenantId: query.tenant_id, bodyTenantId: body.tenant_id, username: body.username });
  return { status: 200, body: options };
};
