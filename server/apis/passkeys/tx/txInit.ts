/**
 * tx/init: a transaction confirmation ceremony of the core (purpose `transaction`, its challenge
 * derived from the transaction's hash: webauthn/transaction-challenge.ts, tx-commitment.ts) for the
 * passkeys of `username`, in the application the request's host names (the body names none;
 * app-context.ts). An unknown or deactivated user gets 404.
 */
import { randomUUID } from 'node:crypto';
import type { Handlers } from '../../../../generated/passkeys/operations.ts';
import { notFound } from '../../../http/errors.ts';
import { txHashOf } from '../../../identity/loginid/tx-commitment.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { appOfRequest } from '../app-context.ts';
import { beginAuthentication } from '../ceremony-start.ts';
import { toRequestOptions } from '../webauthn-json.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

export const txInit: H['txInit'] = async ({ body, context }) => {
  const tenant = await appOfRequest(context);
  const user = await context.services.identity.users.getByUsername(tenant._id, body.username);
  if (user === null || user.disabled) throw notFound('User not found');
  const txId = randomUUID();
  const { options, session } = await beginAuthentication(context, tenant, {
    byUsername: true,
    userId: user._id,
    deviceInfo: null,
    transaction: { id: txId, hash: txHashOf(body) },
  });
  return { status: 200, body: { assertionOptions: toRequestOptions(options), session, txId } };
};
