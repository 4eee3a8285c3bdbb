/**
 * The operator's settings of Passkeys API applications (identity/loginid/apps.ts): allowed
 * origins, RP ID and name, hosts, the MFA policy (identity/loginid/mfa-policy.ts); and the events
 * their browsers reported.
 */
import type { Handlers } from '../../../generated/gateway/operations.ts';
import { GatewayError } from '../../http/errors.ts';
import type { TenantDoc } from '../../store/collections.ts';
import { appSettingsOf, checkAppSettings, hostOwner } from '../../identity/loginid/apps.ts';
import { listClientEvents } from '../../identity/loginid/client-events.ts';
import { mfaPolicyOf } from '../../identity/loginid/mfa-policy.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';

type H = Handlers<ApiPrincipal, ApiContext>;

async function app(context: ApiContext, appId: string): Promise<TenantDoc> {
  const tenant = await context.services.identity.tenants.get(appId);
  if (tenant === null) throw new GatewayError('not_found', `No application ${appId}`);
  return tenant;
}

const view = (tenant: TenantDoc, publicUrl: string) => ({ appId: tenant._id, ...appSettingsOf(tenant, publicUrl), mfa: mfaPolicyOf(tenant.settings) });

export const getPasskeysApp: H['getPasskeysApp'] = async ({ params, context }) => ({
  status: 200,
  body: view(await app(context, params.appId), context.services.config.publicUrl),
});

export const updatePasskeysApp: H['updatePasskeysApp'] = async ({ params, body, context }) => {
  const { publicUrl } = context.services.config;
  await app(context, params.appId);
  const { mfa = {}, ...settings } = body;
  const checked = checkAppSettings(settings, publicUrl);
  if (!checked.ok) throw new GatewayError('bad_request', `${checked.problem.field}: ${checked.problem.message}`);
  const owner = await hostOwner(context.services.store, checked.settings.hosts ?? [], params.appId);
  if (owner !== null) throw new GatewayError('conflict', `A host is already application ${owner}'s`);
  const updated = await context.services.identity.tenants.update(params.appId, { settings: { passkeys: checked.settings, passkeysMfa: mfa } });
  if (updated === null) throw new GatewayError('not_found', `No application ${params.appId}`);
  return { status: 200, body: view(updated, publicUrl) };
};

export const listPasskeysClientEvents: H['listPasskeysClientEvents'] = async ({ params, query, context }) => {
  await app(context, params.appId);
  const events = await listClientEvents(context.services.store, params.appId, query.limit ?? 50);
  return {
    status: 200,
    body: { items: events.map((e) => ({ event: e.event, isError: e.isError, createdAt: e.createdAt.toISOString(), ...(e.userAgent ? { userAgent: e.userAgent } : {}) })) },
  };
};
