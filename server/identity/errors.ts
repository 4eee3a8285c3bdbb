/**
 * The identity core's one error vocabulary. Domain code never throws HTTP errors: it throws an
 * IdentityError with a stable domain code, and each API maps the code to its own error shape and
 * names at its edge (http/core-errors.ts maps code to status; http/error-shapes.ts has each API's
 * names: the Vault's `{detail}` and RFC 6749 `error`, LoginID's `msgCode`, Infinite's `E_*`,
 * Conjure's `errorName`). The message is safe to show (it never carries a secret).
 *
 * Reasons that a caller acts on without an error (a refused WebAuthn assertion, a reused refresh
 * token) are result unions of their modules (`AssertionFailure`, `RefreshUse`); an API turns them
 * into an IdentityError or its own error where it refuses the request.
 */
export type IdentityErrorCode =
  /** A value in the request breaks a rule of the core (a name too long, a malformed id). */
  | 'request.invalid'
  | 'resource.not_found'
  /** A unique value already exists (a username, a client id, a credential). */
  | 'resource.conflict'
  /** A secret, a proof, an assertion or a client authentication did not verify. */
  | 'credential.invalid'
  /** Lockout or a rate limit refuses the attempt before anything is checked; `retryAfterSeconds`. */
  | 'lockout.blocked'
  /** A JWT past its `exp`; every other refused JWT is `token.invalid` (TokenError has the reason). */
  | 'token.expired'
  | 'token.invalid'
  /** RFC 6749 §5.2 errors of a token endpoint. */
  | 'oauth.invalid_request'
  | 'oauth.invalid_client'
  | 'oauth.invalid_grant'
  | 'oauth.unauthorized_client'
  | 'oauth.unsupported_grant_type'
  | 'oauth.invalid_scope';

export interface IdentityErrorDetails {
  /** Where in the request the offending value is (a body field path), for `request.invalid`. */
  field?: (string | number)[];
  /** How long the caller should wait, for `lockout.blocked`. */
  retryAfterSeconds?: number;
  /** The HTTP Basic realm a client may retry with, for `oauth.invalid_client` (RFC 6749 §5.2). */
  realm?: string;
  /** The RFC 6749 §5.2 error an OAuth endpoint answers when the code is not itself an `oauth.*` one. */
  oauthError?: string;
}

export class IdentityError extends Error {
  override name = 'IdentityError';
  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    readonly details: IdentityErrorDetails = {},
  ) {
    super(message);
  }
}

export const isIdentityError = (error: unknown, code?: IdentityErrorCode): error is IdentityError =>
  error instanceof IdentityError && (code === undefined || error.code === code);

/** MongoDB's duplicate key error (E11000), raised by unique indexes on insert, update and upsert. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
