/** POST /authorization/v1/authorize: the requested resources the caller may access (identity/orgs/workspaces.ts says which). */
import { MAX_BATCH, accessibleResources } from '../../identity/orgs/workspaces.ts';
import type { TokenExchangeHandler } from './handler-types.ts';
import { requireCaller } from './caller.ts';
import { invalidArgument } from './conjure-errors.ts';

export const authorize: TokenExchangeHandler<'authorize'> = async ({ body, principal, context }) => {
  const caller = await requireCaller(principal, context);
  if (body.rids.length > MAX_BATCH) throw invalidArgument(`At most ${MAX_BATCH} resources at once`, { rids: String(body.rids.length) });
  return { status: 200, body: await accessibleResources(context.services.store, caller, body.rids) };
};
