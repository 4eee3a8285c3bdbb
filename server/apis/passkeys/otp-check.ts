/**
 * Checking a one-time code of a username (auth/otp/verify, profile e-mail and phone verification)
 * under the core's lockout, as the Vault's logins are (identity/lockout/guard.ts, with the
 * application's block configuration): the attempt takes its slot for the address and the username
 * before the code is compared; a wrong code counts a failure, the limit-th imposes the block (429
 * with Retry-After); a right one gives the slot back and clears the username's record. An unknown
 * username is counted and answered like a wrong code, so the answer says nothing about it.
 */
import { badRequest } from '../../http/errors.ts';
import type { LoginidOtpDoc, TenantDoc, UserDoc } from '../../store/collections.ts';
import { useOtp } from '../../identity/loginid/otp-codes.ts';
import { usernameKey } from '../../identity/users.ts';
import { underLockout } from '../../identity/lockout/guard.ts';
import { lockoutPolicyOf } from '../../identity/vault/tenant-settings.ts';
import type { ApiContext } from '../types.ts';

export async function checkCode(
  context: ApiContext,
  tenant: TenantDoc,
  input: { username: string; purpose: LoginidOtpDoc['purpose']; code: string },
): Promise<{ user: UserDoc; otp: LoginidOtpDoc }> {
  const { store, identity } = context.services;
  const user = await identity.users.getByUsername(tenant._id, input.username);
  const subject = { tenantId: tenant._id, ip: context.ip, usernameKey: usernameKey(input.username), userId: user?._id ?? null };
  return underLockout({ store, audit: identity.audit }, lockoutPolicyOf(tenant), subject, context, async (attempt) => {
    const otp = user && !user.disabled ? await useOtp(store, { tenantId: tenant._id, userId: user._id, purpose: input.purpose, code: input.code }) : null;
    if (user === null || otp === null) {
      await attempt.fail(`loginid.code.${input.purpose}`, user === null ? 'unknown_user' : 'wrong_code');
      throw badRequest('Invalid or expired code');
    }
    await attempt.pass({ clearUser: true });
    return { user, otp };
  });
}
