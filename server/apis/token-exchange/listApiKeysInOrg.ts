/** POST /authorization/v1/api-keys/org: the org's API keys of this API, for org administrators only. */
import type { TokenExchangeHandler } from './handler-types.ts';
import { requireCaller } from './caller.ts';
import { notAuthorizedAdmin } from './conjure-errors.ts';
import { listApiKeys } from './list-api-keys.ts';

export const listApiKeysInOrg: TokenExchangeHandler<'listApiKeysInOrg'> = async ({ body, principal, context }) => {
  const caller = await requireCaller(principal, context);
  if (!caller.isAdmin) throw notAuthorizedAdmin();
  return listApiKeys(context, caller, body, false);
};
