/**
 * RFC 6749 §5.2 errors of a token endpoint, as the core's domain codes (identity/errors.ts
 * `oauth.*`). Each API names them in its shape: an RFC 6749 endpoint answers `{error,
 * error_description}`, the Vault's FastAPI-shaped endpoints `{detail}`, with the same status.
 */
import { IdentityError } from '../errors.ts';

export const invalidRequest = (description: string) => new IdentityError('oauth.invalid_request', description);

export const invalidGrant = (description: string) => new IdentityError('oauth.invalid_grant', description);

export const invalidScope = (description: string) => new IdentityError('oauth.invalid_scope', description);

export const unauthorizedClient = (description: string) => new IdentityError('oauth.unauthorized_client', description);

export const unsupportedGrantType = (description: string) => new IdentityError('oauth.unsupported_grant_type', description);

/** 401 `invalid_client` (§5.2); `realm` is the HTTP Basic realm a client may retry with. */
export const invalidClient = (description: string, realm: string) => new IdentityError('oauth.invalid_client', description, { realm });
