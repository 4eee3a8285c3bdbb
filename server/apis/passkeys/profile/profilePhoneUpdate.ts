/**
 * POST /profile/{id}/phone: the number must be a valid E.164 number (libphonenumber-js). With
 * `requestVerification` (default) a code goes by SMS to the new number, which needs the user's
 * `messagingConsent` (seed 003: refused without it), and the number becomes the profile's,
 * verified, only with that code; without it, the number is set at once, unverified.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { badRequest, validationError } from '../../../http/errors.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { userById } from '../app-context.ts';
import { limitCodeRequests, sendCode } from '../code-delivery.ts';
import { PHONE_CONSENT, PHONE_VERIFIED } from '../profile-state.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const profilePhoneUpdate: H['profilePhoneUpdate'] = async ({ params, body, principal, context }) => {
  const parsed = body.phoneNumber.startsWith('+') ? parsePhoneNumberFromString(body.phoneNumber) : undefined;
  if (!parsed?.isValid()) throw validationError([{ location: 'body', path: ['phoneNumber'], message: 'must be a valid phone number in E.164 form (+<country><number>)', type: 'value_error' }]);
  const phone = parsed.format('E.164');
  const consent = body.messagingConsent === true;
  const verify = body.requestVerification !== false;
  if (verify && !consent) throw badRequest('Verification by SMS needs the user\'s messaging consent');
  const user = await userById(context, principal.tenantId, params.id);
  if (verify) {
    await context.services.identity.users.update(user.tenantId, user._id, { profile: { [PHONE_CONSENT]: true } });
    await limitCodeRequests(context, user.tenantId, user._id);
    await sendCode(context, user, { purpose: 'phone', channel: 'sms', to: phone });
  } else {
    await context.services.identity.users.update(user.tenantId, user._id, { phone, profile: { [PHONE_VERIFIED]: false, [PHONE_CONSENT]: consent } });
  }
  return { status: 204 };
};
