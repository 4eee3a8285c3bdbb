/** GET /gateway/v1/directory/tenants/{tenant_id}/upstream: never the secret. */
import type { Handlers } from '../../../../generated/gateway/operations.ts';
import type { ApiContext, ApiPrincipal } from '../../types.ts';
import { notFound } from '../../../http/errors.ts';
import { describeUpstream } from '../../../identity/directory/upstreams.ts';
import { deps, requireTenant, upstreamView } from './views.ts';

export const getDirectoryUpstream: Handlers<ApiPrincipal, ApiContext>['getDirectoryUpstream'] = async ({ params, context }) => {
  await requireTenant(context.services, params.tenant_id);
  const upstream = await describeUpstream(deps(context.services), params.tenant_id);
  if (upstream === null) throw notFound('This tenant has no upstream provider');
  return { status: 200, body: upstreamView(upstream) };
};
