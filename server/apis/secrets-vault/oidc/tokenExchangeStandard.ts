/**
 * POST /api/oidc/{tenant_id}/token/standard: the RFC 6749 token endpoint (discovery's
 * `token_endpoint`): `client_secret_basic` as well as `client_secret_post`, and RFC 6749 §5.2
 * errors (the API's error formatter maps the GatewayErrors' `oauthError`).
 */
import { invalidRequest } from '../../../identity/oauth/errors.ts';
import type { VaultHandlers } from '../handler-types.ts';
import { tokenReply } from './token-reply.ts';

/** `Authorization: Basic base64(user:password)` (RFC 7617), or null when another scheme or none is used. */
export function basicFromHeader(header: string | undefined): { username: string; password: string } | null {
  if (header === undefined) return null;
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
  if (match === null) {
    if (/^Basic\b/i.test(header)) throw invalidRequest('malformed Basic credentials');
    return null;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidRequest('malformed Basic credentials');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export const tokenExchangeStandard: VaultHandlers<'tokenExchangeStandard'>['tokenExchangeStandard'] = ({ params, headers, body, context }) => {
  const authorization = (headers as Record<string, string | undefined>).authorization;
  return tokenReply(context, params.tenant_id, body as Record<string, unknown>, basicFromHeader(authorization));
};
