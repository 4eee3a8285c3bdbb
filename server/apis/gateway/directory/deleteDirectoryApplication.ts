/** DELETE /gateway/v1/directory/tenants/{tenant_id}/applications/{app_id} */
import type { Handlers } from '../../../../generated/gateway/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { notFound } from '../../../http/errors.ts';
import { deleteApplication } from '../../../identity/directory/applications.ts';
import { deps } from './views.ts';

export const deleteDirectoryApplication: Handlers<ApiPrincipal, ApiContext>['deleteDirectoryApplication'] = async ({ params, principal, context }) => {
  if (!(await deleteApplication(deps(context.services), params.tenant_id, params.app_id))) throw notFound('No such application');
  await context.services.identity.audit.record({
    tenantId: params.tenant_id, actor: { type: 'api_key', id: principal.credentialId }, action: 'directory.application.delete', outcome: 'success',
    target: params.app_id, ip: context.ip, requestId: context.requestId,
  });
  return { status: 204 };
};
