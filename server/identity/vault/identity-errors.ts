/**
 * The Vault's calls into the identity core: an IdentityError becomes the Vault's error with the
 * field it concerns (FastAPI's 422 names the offending field; http/core-errors.ts maps the code,
 * e.g. `resource.conflict` to 409 and `resource.not_found` to 404).
 */
import { fromIdentityError } from '../../http/core-errors.ts';
import { IdentityError } from '../errors.ts';

export function asGatewayError(error: unknown, field: (string | number)[] = []): unknown {
  if (!(error instanceof IdentityError)) return error;
  return fromIdentityError(error.details.field === undefined ? new IdentityError(error.code, error.message, { ...error.details, field }) : error);
}

/** Runs an identity-core call, turning its IdentityError into the matching GatewayError. */
export async function identityCall<T>(call: () => Promise<T>, field: (string | number)[] = []): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asGatewayError(error, field);
  }
}
