/** DELETE /gateway/v1/directory/tenants/{tenant_id}/upstream: tenant `default` falls back to its built-in provider. */
import type { Handlers } from '../../../../generated/gateway/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { notFound } from '../../../http/errors.ts';
import { deleteUpstream } from '../../../identity/directory/upstreams.ts';
import { deps } from './views.ts';

export const deleteDirectoryUpstream: Handlers<ApiPrincipal, ApiContext>['deleteDirectoryUpstream'] = async ({ params, principal, context }) => {
  if (!(await deleteUpstream(deps(context.services), params.tenant_id))) throw notFound('No registered upstream provider');
  await context.services.identity.audit.record({
    tenantId: params.tenant_id, actor: { type: 'api_key', id: principal.credentialId }, action: 'directory.upstream.delete', outcome: 'success',
    ip: context.ip, requestId: context.requestId,
  });
  return { status: 204 };
};
