/**
 * A Directory login from `authenticate` to the session, for web and native clients alike.
 *
 * start: checks the request (tenant, claim, app claims granted by the tenant's applications,
 * redirect URL registered), ties a native token to the login, and then either opens the session
 * from the browser's SSO grant, or stores the login and sends the browser to the tenant's upstream
 * provider (authorization code + PKCE + state + nonce).
 *
 * finish (`onauthenticated`): consumes the state (single use, bound to the browser), exchanges
 * the code and validates the ID token (upstream-oidc.ts), maps the upstream subject to a user,
 * checks that the redirect URL may receive this user's tokens, opens the session and an SSO grant.
 * A web client's browser then goes to the redirect URL with the session in the fragment; a native
 * client's login completes (its poll wakes on any instance) and the browser goes to the done page.
 */
import { printable as safe, type UpstreamCallback } from '../upstream-logins.ts';
import { authorizationUrl, exchangeCode, newPkceVerifier, type UpstreamIdentity } from '../upstream-oidc.ts';
import type { DirectorySessionDoc } from '../../store/collections.ts';
import { ungrantedAppClaims } from './applications.ts';
import { directoryBase, type DirectoryDeps } from './context.ts';
import { sha256Hex } from './hash.ts';
import { consumeLogin, storeLogin, type LoginRequest } from './logins.ts';
import { completeNativeLogin, failNativeLogin, registerNativeLogin } from './native-logins.ts';
import { redirectAllowedFor, redirectKnown } from './redirects.ts';
import { DirectoryRefusal } from './refusal.ts';
import { createSession, sessionView } from './sessions.ts';
import { createSso, ssoOf, type SsoGrant } from './sso.ts';
import { upstreamFor } from './upstreams.ts';
import { upstreamUserFor } from '../upstream-users.ts';

export interface LoginInput {
  tenantId: string;
  claims: string;
  appClaims: string[];
  appData: string | null;
  redirectUrl: string;
  needExtendedBearer: boolean;
  nativeToken: string | null;
  ssoCookie: string | undefined;
  ip: string;
  requestId: string;
}

export type LoginStep =
  /** to the upstream provider, with the browser-binding cookie to set */
  | { kind: 'upstream'; location: string; binding: string }
  /** the session is open: where the browser goes, and a new SSO cookie if one was made */
  | { kind: 'done'; location: string; ssoCookie: string | null };

export const DONE_PAGE = '/directory/api/static/onauthenticationdone.html';

/** The caller's request, as the login keeps it. */
type Pending = Omit<LoginRequest, 'upstreamIssuer'>;

function withFragment(url: string, params: Record<string, string>): string {
  const base = url.split('#')[0];
  return `${base}#${new URLSearchParams(params).toString()}`;
}

async function openSession(deps: DirectoryDeps, login: Pending, grant: SsoGrant, fromSso: string | null, actor: { ip: string; requestId: string }): Promise<LoginStep> {
  if (!(await redirectAllowedFor(deps, login.tenantId, grant.userId, login.claims, login.redirectUrl))) {
    throw new DirectoryRefusal('forbidden', 'The redirect URL is not registered for this user');
  }
  const sso = fromSso === null ? await createSso(deps, grant) : null;
  const session: DirectorySessionDoc = await createSession(deps, {
    ...grant,
    claims: login.claims,
    appClaims: login.appClaims,
    needExtendedBearer: login.needExtendedBearer,
    nativeTokenHash: login.nativeTokenHash,
    ssoId: sso?.id ?? fromSso,
  });
  await deps.core.audit.record({
    tenantId: login.tenantId, actor: { type: 'user', id: grant.userId }, action: 'directory.login', outcome: 'success',
    target: session._id, ip: actor.ip, requestId: actor.requestId,
    details: { via: fromSso === null ? 'upstream' : 'sso', upstream: grant.upstreamIssuer, claims: login.claims, native: login.nativeTokenHash !== null },
  });
  if (login.nativeTokenHash !== null) {
    if (!(await completeNativeLogin(deps, login.nativeTokenHash, session._id))) {
      throw new DirectoryRefusal('unknown', 'The native login expired or was already completed');
    }
    return { kind: 'done', location: DONE_PAGE, ssoCookie: sso?.cookie ?? null };
  }
  const view = await sessionView(deps, session);
  const fragment: Record<string, string> = {};
  for (const [k, v] of Object.entries(view)) fragment[k] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  if (login.appData !== null) fragment.appdata = login.appData;
  return { kind: 'done', location: withFragment(login.redirectUrl, fragment), ssoCookie: sso?.cookie ?? null };
}

export async function startLogin(deps: DirectoryDeps, input: LoginInput): Promise<LoginStep> {
  if ((await deps.core.tenants.get(input.tenantId)) === null) throw new DirectoryRefusal('invalid', 'Unknown tenant');
  if (!(await redirectKnown(deps, input.tenantId, input.claims, input.redirectUrl))) {
    throw new DirectoryRefusal('invalid', 'redirecturl is not a registered redirect URL');
  }
  const ungranted = await ungrantedAppClaims(deps, input.tenantId, input.claims, input.appClaims);
  if (ungranted.length) throw new DirectoryRefusal('invalid', `appclaims not granted by any application: ${ungranted.join(' ')}`);
  const nativeTokenHash = input.nativeToken === null ? null : sha256Hex(input.nativeToken);
  const pending: Pending = {
    tenantId: input.tenantId, claims: input.claims, appClaims: input.appClaims, appData: input.appData,
    redirectUrl: input.redirectUrl, needExtendedBearer: input.needExtendedBearer, nativeTokenHash,
  };
  const sso = await ssoOf(deps, input.tenantId, input.ssoCookie);
  // a grant of a user disabled since then opens nothing: that browser goes to the provider
  const ssoUser = sso.grant ? await deps.core.users.get(input.tenantId, sso.grant.userId) : null;
  const grant = ssoUser !== null && !ssoUser.disabled ? sso.grant : null;
  if (grant) {
    if (nativeTokenHash !== null) await registerNativeLogin(deps, input.tenantId, nativeTokenHash);
    const { tenantId, userId, subInfo, displayName, userInfo, upstreamIssuer } = grant;
    return openSession(deps, pending, { tenantId, userId, subInfo, displayName, userInfo, upstreamIssuer }, grant._id, input);
  }
  const provider = await upstreamFor(deps, input.tenantId);
  if (provider === null) throw new DirectoryRefusal('no_upstream', 'This tenant has no upstream OpenID provider');
  if (nativeTokenHash !== null) await registerNativeLogin(deps, input.tenantId, nativeTokenHash);
  const verifier = newPkceVerifier();
  const started = await storeLogin(deps, { ...pending, upstreamIssuer: provider.issuer }, verifier);
  let url: URL;
  try {
    url = await authorizationUrl(provider, {
      redirectUri: `${directoryBase(deps.core.publicUrl)}/onauthenticated`,
      state: started.state,
      nonce: started.nonce,
      verifier,
      ...(sso.forced ? { prompt: 'login' } : {}),
    });
  } catch (error) {
    throw new DirectoryRefusal('upstream', `The upstream provider cannot be reached: ${(error as Error).message}`);
  }
  return { kind: 'upstream', location: url.href, binding: started.binding };
}

export type CallbackInput = UpstreamCallback;

export async function finishLogin(deps: DirectoryDeps, input: CallbackInput): Promise<LoginStep> {
  const login = await consumeLogin(deps, input.state, input.binding);
  if (login === null) throw new DirectoryRefusal('unknown', 'Unknown, used or expired state, or a callback in another browser');
  try {
    return await finishConsumedLogin(deps, login, input);
  } catch (error) {
    // A native client is long-polling for this login: tell it now rather than let it wait.
    if (error instanceof DirectoryRefusal && login.nativeTokenHash !== null) {
      await failNativeLogin(deps, login.nativeTokenHash, { reason: error.reason, accessDenied: input.query.get('error') === 'access_denied' });
    }
    throw error;
  }
}

async function finishConsumedLogin(deps: DirectoryDeps, login: NonNullable<Awaited<ReturnType<typeof consumeLogin>>>, input: CallbackInput): Promise<LoginStep> {
  const back = { url: login.redirectUrl, appData: login.appData };
  const upstreamError = input.query.get('error');
  if (upstreamError !== null) {
    throw new DirectoryRefusal('upstream', `The upstream provider answered ${safe(upstreamError)}: ${safe(input.query.get('error_description'))}`, back);
  }
  if (!input.query.get('code')) throw new DirectoryRefusal('invalid', 'Neither code nor error in the callback', back);
  const provider = await upstreamFor(deps, login.tenantId);
  if (provider === null || provider.issuer !== login.upstreamIssuer) {
    throw new DirectoryRefusal('upstream', 'The upstream provider changed during the login', back);
  }
  let identity: UpstreamIdentity;
  try {
    const callback = new URL(`${directoryBase(deps.core.publicUrl)}/onauthenticated?${input.query.toString()}`);
    identity = await exchangeCode(provider, callback, { verifier: login.verifier, state: input.state, nonce: login.nonce });
  } catch (error) {
    await deps.core.audit.record({
      tenantId: login.tenantId, actor: { type: 'anonymous' }, action: 'directory.login', outcome: 'failure',
      ip: input.ip, requestId: input.requestId, details: { upstream: provider.issuer, reason: safe((error as Error).message) },
    });
    throw new DirectoryRefusal('upstream', `The upstream login could not be verified: ${safe((error as Error).message)}`, back);
  }
  const mapped = await upstreamUserFor(deps, login.tenantId, identity);
  if (!mapped.ok) throw new DirectoryRefusal('forbidden', mapped.message);
  const { user } = mapped;
  const c = identity.claims;
  const email = typeof c.email === 'string' ? c.email : undefined;
  const name = typeof c.name === 'string' ? c.name : undefined;
  const displayName = name ?? (typeof c.preferred_username === 'string' ? c.preferred_username : user.displayName);
  const userInfo: Record<string, unknown> = {};
  for (const k of ['sub', 'name', 'given_name', 'family_name', 'preferred_username', 'email', 'email_verified', 'locale', 'zoneinfo', 'updated_at']) {
    if (c[k] !== undefined) userInfo[k] = c[k];
  }
  const grant: SsoGrant = {
    tenantId: login.tenantId,
    userId: user._id,
    subInfo: { sub: identity.sub, ...(email ? { email } : {}), ...(name ? { name } : {}) },
    displayName,
    userInfo,
    upstreamIssuer: identity.issuer,
  };
  return openSession(deps, login, grant, null, input);
}
