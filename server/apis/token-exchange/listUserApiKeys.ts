/** POST /authorization/v1/api-keys/user: the caller's own API keys of this API. */
import type { TokenExchangeHandler } from './handler-types.ts';
import { requireCaller } from './caller.ts';
import { listApiKeys } from './list-api-keys.ts';

export const listUserApiKeys: TokenExchangeHandler<'listUserApiKeys'> = async ({ body, principal, context }) =>
  listApiKeys(context, await requireCaller(principal, context), body, true);
