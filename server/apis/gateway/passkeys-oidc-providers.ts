/**
 * The operator's registry of a Passkeys application's OpenID providers
 * (identity/loginid/oidc-providers.ts): list, create or replace, remove. Secrets go in and never
 * come out; every change is audited.
 */
import type { Handlers } from '../../../generated/gateway/operations.ts';
import { GatewayError } from '../../http/errors.ts';
import { appSettingsOf } from '../../identity/loginid/apps.ts';
import { callbackUriOf } from '../../identity/loginid/oidc-login.ts';
import { deleteOidcProvider, listOidcProviders, putOidcProvider, type OidcDeps, type OidcProviderView } from '../../identity/loginid/oidc-providers.ts';
import type { TenantDoc } from '../../store/collections.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

const deps = (context: ApiContext): OidcDeps => ({ core: context.services.identity, store: context.services.store });

async function app(context: ApiContext, appId: string): Promise<TenantDoc> {
  const tenant = await context.services.identity.tenants.get(appId);
  if (tenant === null) throw new GatewayError('not_found', `No application ${appId}`);
  return tenant;
}

/** The provider sends browsers back under PUBLIC_URL, or under the application's own host the sign-in started on. */
function view(tenant: TenantDoc, publicUrl: string, p: OidcProviderView) {
  const scheme = new URL(publicUrl).protocol;
  const bases = [publicUrl, ...appSettingsOf(tenant, publicUrl).hosts.map((h) => `${scheme}//${h}`)];
  return {
    appId: p.appId,
    providerId: p.providerId,
    issuer: p.issuer,
    clientId: p.clientId,
    scopes: p.scopes,
    idTokenAlg: p.idTokenAlg,
    redirectUris: p.redirectUris,
    callbackUris: bases.map((b) => callbackUriOf(b, p.providerId)),
    builtIn: p.builtIn,
    updatedAt: p.updatedAt ? p.updatedAt.toISOString() : null,
  };
}

export const listPasskeysOidcProviders: H['listPasskeysOidcProviders'] = async ({ params, context }) => {
  const tenant = await app(context, params.appId);
  const providers = await listOidcProviders(deps(context), tenant._id);
  return { status: 200, body: { items: providers.map((p) => view(tenant, context.services.config.publicUrl, p)) } };
};

export const putPasskeysOidcProvider: H['putPasskeysOidcProvider'] = async ({ params, body, principal, context }) => {
  const tenant = await app(context, params.appId);
  const stored = await putOidcProvider(deps(context), tenant._id, params.providerId, body);
  await context.services.identity.audit.record({
    tenantId: tenant._id, actor: { type: 'api_key', id: principal.credentialId }, action: 'passkeys.oidc_provider.put', outcome: 'success',
    target: params.providerId, ip: context.ip, requestId: context.requestId, details: { issuer: stored.issuer },
  });
  return { status: 200, body: view(tenant, context.services.config.publicUrl, stored) };
};

export const deletePasskeysOidcProvider: H['deletePasskeysOidcProvider'] = async ({ params, principal, context }) => {
  const tenant = await app(context, params.appId);
  if (!(await deleteOidcProvider(deps(context), tenant._id, params.providerId))) throw new GatewayError('not_found', `No provider ${params.providerId} in application ${params.appId}`);
  await context.services.identity.audit.record({
    tenantId: tenant._id, actor: { type: 'api_key', id: principal.credentialId }, action: 'passkeys.oidc_provider.delete', outcome: 'success',
    target: params.providerId, ip: context.ip, requestId: context.requestId,
  });
  return { status: 204 };
};
