/**
 * POST /authorization/v1/is-email-allowed-okta: the same decision as isEmailAllowed, as an Okta
 * registration inline hook. Okta posts the registration event (`data.userProfile.email` is all we
 * read; the many other fields are ignored) and expects a `com.okta.action.update` command whose
 * `registration` is ALLOW or DENY (Okta's registration inline hook reference).
 */
import { isEmailAllowed } from '../../identity/orgs/email-rules.ts';
import type { TokenExchangeHandler } from './handler-types.ts';

export const isEmailAllowedOkta: TokenExchangeHandler<'isEmailAllowedOkta'> = async ({ body, context }) => {
  const allowed = await isEmailAllowed(context.services.store, body.data.userProfile.email);
  return { status: 200, body: { commands: [{ type: 'com.okta.action.update', value: { registration: allowed ? 'ALLOW' : 'DENY' } }] } };
};
