/**
 * The HTTP edge of the identity core's error vocabulary (identity/errors.ts): each domain code
 * becomes a GatewayError of the matching kind and status, keeping the code (`domainCode`) so that
 * each API's formatter (error-shapes.ts) can name it in its own terms. An API that wants another
 * status or shape for a code catches the IdentityError in its handler and throws its own error.
 */
import { IdentityError, type IdentityErrorCode } from '../identity/errors.ts';
import { authChallenge } from './auth-challenge.ts';
import { GatewayError, type ErrorKind, type GatewayErrorOptions } from './errors.ts';

const KINDS: Record<IdentityErrorCode, { kind: ErrorKind; oauthError?: string }> = {
  'request.invalid': { kind: 'validation' },
  'resource.not_found': { kind: 'not_found' },
  'resource.conflict': { kind: 'conflict' },
  'credential.invalid': { kind: 'unauthorized' },
  'lockout.blocked': { kind: 'rate_limited' },
  'token.expired': { kind: 'unauthorized' },
  'token.invalid': { kind: 'unauthorized' },
  'oauth.invalid_request': { kind: 'bad_request', oauthError: 'invalid_request' },
  'oauth.invalid_client': { kind: 'unauthorized', oauthError: 'invalid_client' },
  'oauth.invalid_grant': { kind: 'bad_request', oauthError: 'invalid_grant' },
  'oauth.unauthorized_client': { kind: 'bad_request', oauthError: 'unauthorized_client' },
  'oauth.unsupported_grant_type': { kind: 'bad_request', oauthError: 'unsupported_grant_type' },
  'oauth.invalid_scope': { kind: 'bad_request', oauthError: 'invalid_scope' },
};

export function fromIdentityError(error: IdentityError): GatewayError {
  const { kind, oauthError } = KINDS[error.code];
  const { details } = error;
  const headers: Record<string, string> = {};
  if (details.retryAfterSeconds !== undefined) headers['Retry-After'] = String(details.retryAfterSeconds);
  // RFC 6749 §5.2: a 401 invalid_client names the scheme a client may retry with (HTTP Basic).
  if (error.code === 'oauth.invalid_client' && details.realm !== undefined) headers['WWW-Authenticate'] = authChallenge('Basic', { realm: details.realm });
  const options: GatewayErrorOptions = {
    domainCode: error.code,
    cause: error,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(details.oauthError ?? oauthError ? { oauthError: details.oauthError ?? oauthError } : {}),
    ...(kind === 'validation' ? { issues: [{ location: 'body', path: details.field ?? [], message: error.message, type: 'value_error' }] } : {}),
  };
  return new GatewayError(kind, error.message, options);
}
