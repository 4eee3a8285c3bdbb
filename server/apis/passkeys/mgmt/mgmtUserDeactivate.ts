/**
 * POST /mgmt/user/{userId}/deactivate: the user can no longer register or sign in, in this API or
 * the Vault (the core's `disabled`, which also ends the user's sessions and refresh tokens); its
 * tokens of this API stop working (app-context.ts userOfToken).
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { notFound } from '../../../http/errors.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtUserDeactivate: H['mgmtUserDeactivate'] = async ({ params, principal, context }) => {
  const user = await context.services.identity.users.setDisabled(principal.tenantId, params.userId, true);
  if (user === null) throw notFound('User not found');
  return { status: 204 };
};
