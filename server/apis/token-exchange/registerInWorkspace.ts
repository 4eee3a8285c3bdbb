/**
 * POST /authorization/v1/register-in-workspace: registers the resources in a workspace of the
 * caller's org, all or none (identity/orgs/workspaces.ts: one guarded single-document update).
 * A workspace of another org is not found.
 */
import { MAX_BATCH, registerInWorkspace as register } from '../../identity/orgs/workspaces.ts';
import type { TokenExchangeHandler } from './handler-types.ts';
import { requireCaller } from './caller.ts';
import { invalidArgument, registerConflict, workspaceNotFound } from './conjure-errors.ts';

export const registerInWorkspace: TokenExchangeHandler<'registerInWorkspace'> = async ({ body, principal, context }) => {
  const caller = await requireCaller(principal, context);
  if (body.resourceRids.length > MAX_BATCH) throw invalidArgument(`At most ${MAX_BATCH} resources at once`, { resourceRids: String(body.resourceRids.length) });
  const outcome = await register(context.services.store, caller.tenantId, body.workspaceRid, body.resourceRids);
  if (outcome.ok) return { status: 204 };
  if (outcome.reason === 'workspace_not_found') throw workspaceNotFound(body.workspaceRid);
  if (outcome.reason === 'conflict') throw registerConflict(outcome.resource, body.workspaceRid);
  throw invalidArgument('The workspace is full', { workspaceRid: body.workspaceRid });
};
