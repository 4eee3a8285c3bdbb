/** PUT /gateway/v1/directory/tenants/{tenant_id}/upstream: the client secret is sealed at rest (upstreams.ts). */
import type { Handlers } from '../../../../generated/gateway/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { putUpstream } from '../../../identity/directory/upstreams.ts';
import { deps, requireTenant, upstreamView } from './views.ts';

export const putDirectoryUpstream: Handlers<ApiPrincipal, ApiContext>['putDirectoryUpstream'] = async ({ params, body, principal, context }) => {
  await requireTenant(context.services, params.tenant_id);
  const upstream = await putUpstream(deps(context.services), params.tenant_id, body);
  await context.services.identity.audit.record({
    tenantId: params.tenant_id, actor: { type: 'api_key', id: principal.credentialId }, action: 'directory.upstream.put', outcome: 'success',
    target: body.issuer, ip: context.ip, requestId: context.requestId,
  });
  return { status: 200, body: upstreamView(upstream) };
};
