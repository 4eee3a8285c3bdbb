/**
 * POST /mgmt/user/{userId}/activate: the user may register and sign in again (its ended sessions stay ended).
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { notFound } from '../../../http/errors.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mgmtUserActivate: H['mgmtUserActivate'] = async ({ params, principal, context }) => {
  const user = await context.services.identity.users.setDisabled(principal.tenantId, params.userId, false);
  if (user === null) throw notFound('User not found');
  return { status: 204 };
};
