/** DELETE /profile/{id}/email: removes the address from the profile, when it is the one named. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { notFound } from '../../../http/errors.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { userById } from '../app-context.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const profileEmailDelete: H['profileEmailDelete'] = async ({ params, body, principal, context }) => {
  const user = await userById(context, principal.tenantId, params.id);
  if (!user.email || user.email.toLowerCase() !== body.email.trim().toLowerCase()) throw notFound('The profile has no such e-mail address');
  await context.services.identity.users.update(user.tenantId, user._id, { email: null, emailVerified: false });
  return { status: 204 };
};
