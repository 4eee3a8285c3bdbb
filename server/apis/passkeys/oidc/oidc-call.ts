/**
 * The OpenID sign-in's shared edge: its cookie, the rules' dependencies, and their refusals in this
 * API's error shape (`{msg, msgCode}`).
 */
import { GatewayError, type ErrorKind } from '../../../http/errors.ts';
import { OidcRefusal, type OidcRefusalReason } from '../../../identity/loginid/oidc-login.ts';
import type { OidcDeps } from '../../../identity/loginid/oidc-providers.ts';
import type { ApiContext } from '../../types.ts';

/** HttpOnly, SameSite=Lax (the provider's redirect is a top-level GET), only sent to the callbacks. */
export const OIDC_COOKIE = 'passkeys_oidc_login';
export const OIDC_COOKIE_PATH = '/fido2/v2/oidc';

export const oidcDeps = (context: ApiContext): OidcDeps => ({ core: context.services.identity, store: context.services.store });

const ERRORS: Record<OidcRefusalReason, { kind: ErrorKind; status?: number; code?: string }> = {
  unknown_provider: { kind: 'not_found' },
  unregistered_redirect: { kind: 'bad_request' },
  state: { kind: 'bad_request' },
  upstream: { kind: 'unavailable', status: 502, code: 'provider_error' },
  user: { kind: 'forbidden' },
};

/** Runs a sign-in rule; its refusals become this API's errors. */
export async function oidcCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof OidcRefusal)) throw error;
    const e = ERRORS[error.reason];
    throw new GatewayError(e.kind, error.message, { ...(e.status ? { status: e.status } : {}), ...(e.code ? { code: e.code } : {}) });
  }
}
