/** PUT /gateway/v1/directory/tenants/{tenant_id}/applications/{app_id}: create or replace. */
import type { Handlers } from '../../../../generated/gateway/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { putApplication } from '../../../identity/directory/applications.ts';
import { applicationView, deps, requireTenant } from './views.ts';

export const putDirectoryApplication: Handlers<ApiPrincipal, ApiContext>['putDirectoryApplication'] = async ({ params, body, principal, context }) => {
  await requireTenant(context.services, params.tenant_id);
  const app = await putApplication(deps(context.services), params.tenant_id, params.app_id, body);
  await context.services.identity.audit.record({
    tenantId: params.tenant_id, actor: { type: 'api_key', id: principal.credentialId }, action: 'directory.application.put', outcome: 'success',
    target: params.app_id, ip: context.ip, requestId: context.requestId,
  });
  return { status: 200, body: applicationView(app) };
};
