/**
 * RFC 6749 §5.2 errors of the token endpoint, thrown as GatewayErrors. The `oauthError` option
 * names the RFC error code: the Standard token endpoint answers `{error, error_description}`
 * with it, the two FastAPI-shaped endpoints answer `{detail}` with the same status.
 */
import { GatewayError } from '../../http/errors.ts';
import { authChallenge } from '../../http/auth-challenge.ts';

export const invalidRequest = (description: string) => new GatewayError('bad_request', description, { oauthError: 'invalid_request' });

export const invalidGrant = (description: string) => new GatewayError('bad_request', description, { oauthError: 'invalid_grant' });

export const invalidScope = (description: string) => new GatewayError('bad_request', description, { oauthError: 'invalid_scope' });

export const unauthorizedClient = (description: string) => new GatewayError('bad_request', description, { oauthError: 'unauthorized_client' });

export const unsupportedGrantType = (description: string) => new GatewayError('bad_request', description, { oauthError: 'unsupported_grant_type' });

/**
 * 401 `invalid_client` (§5.2). The challenge names HTTP Basic, the scheme a client may retry with
 * (a Bearer challenge, the gateway's default, would be wrong on a token endpoint).
 */
export const invalidClient = (description: string, realm: string) =>
  new GatewayError('unauthorized', description, { oauthError: 'invalid_client', headers: { 'WWW-Authenticate': authChallenge('Basic', { realm }) } });
