/**
 * What the Passkeys API keeps on a profile beyond the core's user fields, under `profile`:
 * the phone's verification and messaging consent, and addresses waiting for their code.
 */
import type { UserDoc } from '../../store/collections.ts';

export const PHONE_VERIFIED = 'loginidPhoneVerified';
export const PHONE_CONSENT = 'loginidMessagingConsent';

export function phoneStateOf(user: UserDoc): { verified: boolean; consent: boolean } {
  return { verified: user.profile[PHONE_VERIFIED] === true, consent: user.profile[PHONE_CONSENT] === true };
}
