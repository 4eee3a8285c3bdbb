/** Operator API views of the Directory registry records (specs/gateway.yaml DirectoryApplication, DirectoryUpstream). */
import type { DirectoryApplicationDoc } from '../../../store/collections.ts';
import type { UpstreamView } from '../../../identity/directory/upstreams.ts';
import type { GatewayServices } from '../../../services.ts';
import { directoryDepsOf, type DirectoryDeps } from '../../../identity/directory/context.ts';
import { notFound } from '../../../http/errors.ts';

export const applicationView = (a: DirectoryApplicationDoc) => ({
  id: a.appId,
  tenantId: a.tenantId,
  name: a.name,
  url: a.url,
  claims: a.claims,
  scopes: a.scopes,
  redirectUrls: a.redirectUrls,
  createdAt: a.createdAt.toISOString(),
  updatedAt: a.updatedAt.toISOString(),
});

export const upstreamView = (u: UpstreamView) => ({
  tenantId: u.tenantId,
  issuer: u.issuer,
  clientId: u.clientId,
  scopes: u.scopes,
  idTokenAlg: u.idTokenAlg,
  builtIn: u.builtIn,
  updatedAt: u.updatedAt ? u.updatedAt.toISOString() : null,
});

export const deps = (services: GatewayServices): DirectoryDeps => directoryDepsOf(services);

/** The registry belongs to an existing tenant. */
export async function requireTenant(services: GatewayServices, tenantId: string): Promise<void> {
  if ((await services.identity.tenants.get(tenantId)) === null) throw notFound(`No tenant ${tenantId}`);
}
