/** DELETE /profile/{id}/phone: removes the number (and its verification) from the profile. */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { notFound } from '../../../http/errors.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { userById } from '../app-context.ts';
import { PHONE_CONSENT, PHONE_VERIFIED } from '../profile-state.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const profilePhoneDelete: H['profilePhoneDelete'] = async ({ params, principal, context }) => {
  const user = await userById(context, principal.tenantId, params.id);
  if (!user.phone) throw notFound('The profile has no phone number');
  await context.services.identity.users.update(user.tenantId, user._id, { phone: null, profile: { [PHONE_VERIFIED]: undefined, [PHONE_CONSENT]: undefined } });
  return { status: 204 };
};
