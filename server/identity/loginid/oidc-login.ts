/**
 * Sign-in to a Passkeys application through one of its OpenID providers (oidc-providers.ts).
 *
 * start (`oidc/{providerId}/login`): the provider must be the application's and the `redirectUri`
 * one it registered (exact match). The login is stored by the core's upstream-login rules
 * (upstream-logins.ts: single-use `state`, nonce, PKCE verifier sealed, bound to this browser by
 * a cookie) and the browser goes to the provider (upstream-oidc.ts: authorization code, PKCE
 * S256, `state`, `nonce`).
 *
 * finish (`oidc/{providerId}/callback`): consumes the state (this browser's, this provider's),
 * exchanges the code and validates the ID token (issuer, audience, signature, expiry, nonce),
 * links or creates the application's user by issuer and subject (upstream-users.ts), and sends
 * the browser to the registered `redirectUri` with the application's access token in the fragment
 * (`access_token`, `token_type`, `expires_in`, as the implicit grant's response, RFC 6749 §4.2.2),
 * so the token never reaches a server log or a Referer.
 */
import type { LoginidOidcLoginDoc } from '../../store/collections.ts';
import { consumeUpstreamLogin, printable as safe, storeUpstreamLogin, type UpstreamCallback, type UpstreamLoginStore } from '../upstream-logins.ts';
import { authorizationUrl, exchangeCode, newPkceVerifier, type UpstreamIdentity } from '../upstream-oidc.ts';
import { upstreamUserFor } from '../upstream-users.ts';
import { oidcProviderOf, type OidcDeps } from './oidc-providers.ts';
import { ACCESS_TOKEN_TTL_S, issueAccessToken, SELF_GRANTS } from './tokens.ts';

export const OIDC_LOGIN_TTL_SECONDS = 600;
const VERIFIER_PURPOSE = 'loginid-oidc-login';

export type OidcRefusalReason =
  /** the application has no provider of that id */
  | 'unknown_provider'
  /** the redirectUri is not one the provider registered */
  | 'unregistered_redirect'
  /** unknown, used or expired state, another browser's or another provider's */
  | 'state'
  /** the provider could not be reached, refused, or answered something that does not verify */
  | 'upstream'
  /** the provider's user may not sign in to the application (disabled, unknown to it) */
  | 'user';

export class OidcRefusal extends Error {
  override name = 'OidcRefusal';
  constructor(readonly reason: OidcRefusalReason, message: string) {
    super(message);
  }
}

const loginStore = (deps: OidcDeps): UpstreamLoginStore<LoginidOidcLoginDoc> => ({
  collection: deps.store.loginidOidcLogins,
  sealer: deps.core.sealer,
  clock: deps.core.clock,
  purpose: VERIFIER_PURPOSE,
  ttlSeconds: OIDC_LOGIN_TTL_SECONDS,
});

/** Where the provider sends the browser back: under the base URL the sign-in started on. */
export const callbackUriOf = (baseUrl: string, providerId: string) => `${baseUrl}/fido2/v2/oidc/${encodeURIComponent(providerId)}/callback`;

export interface StartInput {
  tenantId: string;
  providerId: string;
  redirectUri: string;
  /** the application's base URL this request came on (its host, else PUBLIC_URL) */
  baseUrl: string;
}

export async function startOidcLogin(deps: OidcDeps, input: StartInput): Promise<{ location: string; binding: string }> {
  const provider = await oidcProviderOf(deps, input.tenantId, input.providerId);
  if (provider === null) throw new OidcRefusal('unknown_provider', 'No such OpenID provider in this application');
  if (!provider.view.redirectUris.includes(input.redirectUri)) throw new OidcRefusal('unregistered_redirect', 'redirectUri is not registered for this provider');
  const verifier = newPkceVerifier();
  const callbackUri = callbackUriOf(input.baseUrl, input.providerId);
  const started = await storeUpstreamLogin(loginStore(deps), {
    tenantId: input.tenantId, providerId: input.providerId, redirectUri: input.redirectUri, callbackUri, upstreamIssuer: provider.upstream.issuer,
  }, verifier);
  try {
    const url = await authorizationUrl(provider.upstream, { redirectUri: callbackUri, state: started.state, nonce: started.nonce, verifier });
    return { location: url.href, binding: started.binding };
  } catch (error) {
    throw new OidcRefusal('upstream', `The OpenID provider cannot be reached: ${safe((error as Error).message)}`);
  }
}

export interface FinishInput extends UpstreamCallback {
  providerId: string;
}

export async function finishOidcLogin(deps: OidcDeps, input: FinishInput): Promise<{ location: string }> {
  const login = await consumeUpstreamLogin(loginStore(deps), input.state, input.binding);
  // A state of another provider was burnt all the same: it was presented where it does not belong.
  if (login === null || login.providerId !== input.providerId) {
    throw new OidcRefusal('state', 'Unknown, used or expired state, or a callback in another browser');
  }
  const provider = await oidcProviderOf(deps, login.tenantId, login.providerId);
  if (provider === null || provider.upstream.issuer !== login.upstreamIssuer) throw new OidcRefusal('upstream', 'The OpenID provider changed during the sign-in');
  if (!provider.view.redirectUris.includes(login.redirectUri)) throw new OidcRefusal('unregistered_redirect', 'redirectUri is no longer registered for this provider');
  const audit = (outcome: 'success' | 'failure', details: Record<string, unknown>, userId?: string) =>
    deps.core.audit.record({
      tenantId: login.tenantId, actor: userId ? { type: 'user', id: userId } : { type: 'anonymous' }, action: 'passkeys.oidc_login', outcome,
      ip: input.ip, requestId: input.requestId, details: { provider: login.providerId, upstream: login.upstreamIssuer, ...details },
    });
  let identity: UpstreamIdentity;
  try {
    identity = await exchangeCode(provider.upstream, new URL(`${login.callbackUri}?${input.query.toString()}`), { verifier: login.verifier, state: input.state, nonce: login.nonce });
  } catch (error) {
    await audit('failure', { reason: safe((error as Error).message) });
    throw new OidcRefusal('upstream', `The sign-in at the OpenID provider could not be verified: ${safe((error as Error).message)}`);
  }
  const mapped = await upstreamUserFor(deps, login.tenantId, identity);
  if (!mapped.ok) {
    await audit('failure', { reason: mapped.refusal, sub: identity.sub });
    throw new OidcRefusal('user', mapped.message);
  }
  const { user } = mapped;
  const accessToken = await issueAccessToken(deps.core.tokens, {
    publicUrl: deps.core.publicUrl, tenantId: login.tenantId, userId: user._id, username: user.username, grants: SELF_GRANTS,
    // RFC 8176 `amr`: the user authenticated at another provider
    claims: { amr: ['fed'], idp: identity.issuer },
  });
  await audit('success', { created: mapped.created }, user._id);
  const fragment = new URLSearchParams({ access_token: accessToken, token_type: 'Bearer', expires_in: String(ACCESS_TOKEN_TTL_S) });
  return { location: `${login.redirectUri}#${fragment}` };
}
