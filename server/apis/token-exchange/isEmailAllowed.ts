/** POST /authorization/v1/is-email-allowed: whether any org's allow rules (identity/orgs/email-rules.ts) admit the address. */
import { isEmailAllowed as allowed } from '../../identity/orgs/email-rules.ts';
import type { TokenExchangeHandler } from './handler-types.ts';

export const isEmailAllowed: TokenExchangeHandler<'isEmailAllowed'> = async ({ body, context }) => ({
  status: 200,
  body: { allowed: await allowed(context.services.store, body.email) },
});
