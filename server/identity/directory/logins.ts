/**
 * A Directory login between `authenticate` and `onauthenticated`: the caller's request (claim, app
 * claims, appdata, redirect URL, native token) kept by the core's upstream-login rules
 * (identity/upstream-logins.ts: single-use `state`, PKCE verifier sealed, nonce, bound to the
 * browser by a cookie).
 */
import type { DirectoryLoginDoc } from '../../store/collections.ts';
import { consumeUpstreamLogin, storeUpstreamLogin, type LoginRequestOf, type StartedLogin, type UpstreamLoginStore } from '../upstream-logins.ts';
import type { DirectoryDeps } from './context.ts';

export const LOGIN_TTL_SECONDS = 600;
const VERIFIER_PURPOSE = 'directory-login';

export type LoginRequest = LoginRequestOf<DirectoryLoginDoc>;
export type { StartedLogin };

const loginStore = (deps: DirectoryDeps): UpstreamLoginStore<DirectoryLoginDoc> => ({
  collection: deps.store.directoryLogins,
  sealer: deps.core.sealer,
  clock: deps.core.clock,
  purpose: VERIFIER_PURPOSE,
  ttlSeconds: LOGIN_TTL_SECONDS,
});

export function storeLogin(deps: DirectoryDeps, request: LoginRequest, verifier: string): Promise<StartedLogin> {
  return storeUpstreamLogin(loginStore(deps), request, verifier);
}

/** Consumes the login of `state` for the browser holding `binding`; null when unknown, used, expired or another browser's. */
export function consumeLogin(deps: DirectoryDeps, state: string, binding: string | undefined): Promise<(DirectoryLoginDoc & { verifier: string }) | null> {
  return consumeUpstreamLogin(loginStore(deps), state, binding);
}
