/**
 * Typed failures of the identity core. Handlers map `code` to their API's own error shape
 * (ARCHITECTURE.md, Errors); the message is safe to show (it never carries a secret).
 */
export type IdentityErrorCode = 'conflict' | 'not_found' | 'invalid';

export class IdentityError extends Error {
  override name = 'IdentityError';
  constructor(readonly code: IdentityErrorCode, message: string) {
    super(message);
  }
}

/** MongoDB's duplicate key error (E11000), raised by unique indexes on insert, update and upsert. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
