/**
 * The Conjure errors this API names (specs/token-exchange.yaml), as GatewayErrors that the API's
 * error formatter (http/error-shapes.ts `conjureError`) turns into `SerializableError`s.
 */
import { GatewayError, type ErrorKind } from '../../http/errors.ts';
import { FederatedTokenError, IssuerKeysUnavailable, type FederatedTokenFailure } from '../../identity/federation/index.ts';

const named = (kind: ErrorKind, name: string, message: string, params: Record<string, string> = {}) =>
  new GatewayError(kind, message, { code: name, params });

export const notAuthorized = (message = 'Not authorized') => named('forbidden', 'Authorization:NotAuthorized', message);
export const notAuthorizedAdmin = () => named('forbidden', 'Authorization:NotAuthorizedAdmin', 'Only an org administrator may do this');
export const noMembership = () => named('forbidden', 'Authorization:NoMembership', 'The user is not a member of the org');
export const apiKeyNotFound = (rid: string) => named('not_found', 'Authorization:ApiKeyNotFound', 'No such API key', { rid });
export const workspaceNotFound = (workspace: string) => named('not_found', 'Authorization:WorkspaceNotFound', 'No such workspace', { workspace });
export const registerConflict = (resource: string, requestedWorkspace: string) =>
  named('conflict', 'Authorization:RegisterResourceConflict', 'The resource belongs to another workspace', { resource, requestedWorkspace });
export const missingClaims = (claims: string) => named('bad_request', 'Authorization:MissingClaims', 'The token lacks required claims', { missingClaims: claims });
export const invalidArgument = (message: string, params: Record<string, string> = {}) => named('bad_request', 'Default:InvalidArgument', message, params);

const TOKEN_ERRORS: Record<FederatedTokenFailure, string> = {
  format: 'Authorization:InvalidJwtFormat',
  issuer: 'Authorization:InvalidJwtIssuer',
  audience: 'Authorization:InvalidJwtAudience',
  expired: 'Authorization:InvalidJwtExpired',
  missing_claims: 'Authorization:MissingClaims',
};

/** A refused token as the Conjure error the spec names; an unreachable JWKS as TIMEOUT or a 503. */
export function tokenRefusal(error: unknown): unknown {
  if (error instanceof FederatedTokenError) {
    const kind = error.failure === 'missing_claims' ? 'bad_request' : 'forbidden';
    return named(kind, TOKEN_ERRORS[error.failure], 'The token was refused', error.details);
  }
  if (error instanceof IssuerKeysUnavailable) {
    // Conjure's TIMEOUT is answered 500 (SerializableError); other failures of the provider are a 503.
    return error.timeout
      ? new GatewayError('timeout', error.message, { status: 500, code: 'Default:Timeout' })
      : new GatewayError('unavailable', error.message, { code: 'Default:ServiceUnavailable', headers: { 'Retry-After': '5' } });
  }
  return error;
}
