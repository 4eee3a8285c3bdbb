/**
 * What every Passkeys handler needs to know first: which application (tenant) it acts in, and who
 * the user is. Applications are tenants (seed 003 `app.id`); a credential acts only in its own.
 */
import { forbidden, GatewayError, notFound, unauthorized } from '../../http/errors.ts';
import type { Principal } from '../../http/principal.ts';
import type { TenantDoc, UserDoc } from '../../store/collections.ts';
import { appForHost } from '../../identity/loginid/apps.ts';
import type { ApiContext } from '../types.ts';

/** The application `app.id` names; a credential of another application is refused. */
export async function appById(context: ApiContext, appId: string, principal: Principal | null): Promise<TenantDoc> {
  const tenant = await context.services.identity.tenants.get(appId);
  if (tenant === null) throw notFound('Application not found');
  if (principal !== null && principal.tenantId !== tenant._id) throw forbidden('This credential belongs to another application');
  return tenant;
}

/** For calls that name no application: the one the request's host names, else the default (apps.ts). */
export async function appOfRequest(context: ApiContext): Promise<TenantDoc> {
  const { services } = context;
  const tenant = await appForHost(services.store, context.host, services.config.passkeysDefaultApp);
  if (tenant === null) throw notFound('Application not found');
  return tenant;
}

/** The application of an API key or token: its own tenant. */
export async function appOfPrincipal(context: ApiContext, principal: Principal): Promise<TenantDoc> {
  const tenant = await context.services.identity.tenants.get(principal.tenantId);
  if (tenant === null) throw unauthorized('The application of this credential no longer exists');
  return tenant;
}

/** The signed-in user of a JWT: it must still exist and be active (a deactivated user's tokens stop). */
export async function userOfToken(context: ApiContext, principal: Principal): Promise<UserDoc> {
  if (principal.kind !== 'access_token' || !principal.userId) throw unauthorized('A user token is needed');
  const user = await context.services.identity.users.get(principal.tenantId, principal.userId);
  if (user === null) throw unauthorized('The user of this token no longer exists');
  if (user.disabled) throw forbidden('The user is deactivated');
  return user;
}

/** A user of the application by id, for the management and profile operations: another application's reads as absent. */
export async function userById(context: ApiContext, tenantId: string, userId: string): Promise<UserDoc> {
  const user = await context.services.identity.users.get(tenantId, userId);
  if (user === null) throw notFound('User not found');
  return user;
}

export async function userByName(context: ApiContext, tenantId: string, username: string): Promise<UserDoc> {
  const user = await context.services.identity.users.getByUsername(tenantId, username);
  if (user === null) throw notFound('User not found');
  return user;
}

export function deactivated(): GatewayError {
  return forbidden('The user is deactivated');
}
