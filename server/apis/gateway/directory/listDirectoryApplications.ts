/** GET /gateway/v1/directory/tenants/{tenant_id}/applications */
import type { Handlers } from '../../../../generated/gateway/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { listApplications } from '../../../identity/directory/applications.ts';
import { applicationView, deps, requireTenant } from './views.ts';

export const listDirectoryApplications: Handlers<ApiPrincipal, ApiContext>['listDirectoryApplications'] = async ({ params, context }) => {
  await requireTenant(context.services, params.tenant_id);
  const apps = await listApplications(deps(context.services), params.tenant_id);
  return { status: 200, body: { applications: apps.map(applicationView) } };
};
