/**
 * The one refusal of a rate limit or a lockout block, for every caller: `lockout.blocked`
 * (identity/errors.ts) with the seconds to wait, which every API answers as 429 with
 * `Retry-After` (RFC 6585 §4, RFC 9110 §10.2.3) in its own shape.
 */
import { IdentityError } from '../errors.ts';

export function rateLimited(message: string, retryAfterSeconds: number, details: { oauthError?: string } = {}): IdentityError {
  return new IdentityError('lockout.blocked', message, { ...details, retryAfterSeconds });
}
