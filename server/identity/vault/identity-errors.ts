/**
 * The identity core throws IdentityError (conflict / not_found / invalid) with a message safe to
 * show; the Vault answers those as FastAPI would: 409, 404, and 422 with the offending field.
 */
import { conflict, notFound, validationError } from '../../http/errors.ts';
import { IdentityError } from '../errors.ts';

export function asGatewayError(error: unknown, field: (string | number)[] = []): unknown {
  if (!(error instanceof IdentityError)) return error;
  switch (error.code) {
    case 'conflict':
      return conflict(error.message);
    case 'not_found':
      return notFound(error.message);
    case 'invalid':
      return validationError([{ location: 'body', path: field, message: error.message, type: 'value_error' }]);
  }
}

/** Runs an identity-core call, turning its IdentityError into the matching GatewayError. */
export async function identityCall<T>(call: () => Promise<T>, field: (string | number)[] = []): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asGatewayError(error, field);
  }
}
