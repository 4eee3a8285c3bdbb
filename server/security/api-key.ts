/**
 * API keys as a security scheme: in a header (Vault `X-API-Key`, our operator API) or as the user
 * name of HTTP Basic (LoginID sends `Basic base64("<key>:")`). The identity core checks the key,
 * its tenant binding, revocation and expiry; scopes are checked by the router per operation.
 */
import type { Request } from 'express';
import { unauthorized } from '../http/errors.ts';
import type { Principal } from '../http/principal.ts';
import type { SchemeAuthenticator } from '../http/mount-api.ts';
import type { GatewayServices } from '../services.ts';
import { basicCredentials } from './credentials.ts';

async function principalForKey(scheme: string, value: string, req: Request, services: GatewayServices): Promise<Principal> {
  const key = await services.identity.apiKeys.authenticate(value, { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null });
  if (!key) throw unauthorized('Invalid API key');
  return {
    scheme,
    kind: 'api_key',
    tenantId: key.tenantId,
    ...(key.ownerId ? { userId: key.ownerId } : {}),
    subject: key.keyId,
    scopes: key.scopes,
    credentialId: key.keyId,
    ...(key.owner ? { user: key.owner } : {}),
  };
}

export function headerApiKey(scheme: string, headerName: string): SchemeAuthenticator<GatewayServices> {
  return async (req, services) => {
    const value = req.get(headerName);
    if (value === undefined) return null;
    return principalForKey(scheme, value.trim(), req, services);
  };
}

export function basicApiKey(scheme: string): SchemeAuthenticator<GatewayServices> {
  return async (req, services) => {
    const creds = basicCredentials(req);
    if (!creds) return null;
    return principalForKey(scheme, creds.username, req, services);
  };
}
