/** PUT /mgmt/passkey/{passkeyId}: renames a passkey of the key's application. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { notFound } from '../../../http/errors.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { passkeyName } from '../passkeys/passkeyRename.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtPasskeyRename: H['mgmtPasskeyRename'] = async ({ params, body, principal, context }) => {
  const { matchedCount } = await context.services.store.passkeyCredentials.updateOne(
    { _id: params.passkeyId, tenantId: principal.tenantId },
    { $set: { name: passkeyName(body.passkeyName), updatedAt: new Date() } },
  );
  if (matchedCount !== 1) throw notFound('Passkey not found');
  return { status: 204 };
};
