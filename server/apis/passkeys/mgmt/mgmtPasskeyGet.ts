/** GET /mgmt/passkey/{passkeyId}: a passkey of the key's application and its user. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { notFound } from '../../../http/errors.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { userById } from '../app-context.ts';
import { mgmtUserOf, passkeyInfoOf } from '../passkey-views.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtPasskeyGet: H['mgmtPasskeyGet'] = async ({ params, principal, context }) => {
  const credential = await context.services.store.passkeyCredentials.findOne({ _id: params.passkeyId, tenantId: principal.tenantId });
  if (credential === null) throw notFound('Passkey not found');
  const user = await userById(context, principal.tenantId, credential.userId);
  return { status: 200, body: { passkeyInfo: passkeyInfoOf(credential), user: mgmtUserOf(user) } };
};
