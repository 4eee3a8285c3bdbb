/**
 * POST /mfa/discover: whether a trust ID is known to this gateway, in the application the host
 * names. The `auth` trust ID is a device id this API returned (`deviceId` of reg/complete,
 * auth/complete or a finished MFA flow): known when the device has signed a user in to the
 * application. `merchant` and `wallet` trust IDs belong to payment networks this gateway has no
 * registry of, so they are never known. 204 when one is known, 404 otherwise, 400 when none is given.
 */
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { badRequest, notFound } from '../../../http/errors.ts';
import { getDevice } from '../../../identity/loginid/devices.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appOfRequest } from '../app-context.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const mfaDiscover: H['mfaDiscover'] = async ({ body, context }) => {
  const items = body.trustItems;
  if (!Object.values(items).some((v) => typeof v === 'string' && v.trim() !== '')) throw badRequest('trustItems names no trust ID');
  const tenant = await appOfRequest(context);
  const device = items.auth ? await getDevice(context.services.store, tenant._id, items.auth.trim()) : null;
  if (device === null || device.userIds.length === 0) throw notFound('No trust ID of this request is known');
  return { status: 204 as const };
};
