// Shared by the OIDC tests: a tenant with a user and clients, the authorization request by plain
// HTTP (no redirect following), and a login driven through the login continuation.
import { createHash, randomUUID } from 'node:crypto';
import type { TestGateway } from '../helpers/gateway.ts';
import { completeLogin } from '../../server/identity/vault/login-continuation.ts';
import type { ClientInput } from '../../server/identity/clients.ts';

export const REDIRECT = 'http://127.0.0.1:9/cb';
export const POST_LOGOUT = 'http://127.0.0.1:9/bye';

export async function setupTenant(gw: TestGateway) {
  const tenantId = await gw.createTenant(`oidc-${randomUUID().slice(0, 8)}`);
  const user = await gw.createUser(tenantId, `alice-${randomUUID().slice(0, 6)}`);
  const client = async (input: Partial<ClientInput> & { type: ClientInput['type'] }) =>
    gw.services.identity.clients.create(tenantId, {
      name: 'test client',
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [POST_LOGOUT],
      grantTypes: ['authorization_code', 'refresh_token'],
      ...input,
    });
  return { tenantId, user, client, issuer: `${gw.url}/api/oidc/${tenantId}` };
}

/** GET the URL without following redirects; returns the status and the Location header. */
export async function visit(url: string | URL): Promise<{ status: number; location: URL | null; body: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  return { status: res.status, location: location === null ? null : new URL(location), body: await res.text() };
}

/** Logs `userId` in for the auth request the login page URL carries; returns the login nonce. */
export async function loginFor(gw: TestGateway, tenantId: string, userId: string, loginPage: URL, needVerify = false) {
  const authReqId = loginPage.searchParams.get('auth_req_id');
  if (!authReqId) throw new Error(`no auth_req_id in ${loginPage}`);
  const { nonce, sessionId } = await completeLogin(gw.services, { tenantId, userId, method: 'zkimg', needVerify, authReqId, ip: '127.0.0.1', userAgent: 'ava' });
  return { authReqId, nonce, sessionId };
}

export function completeUrl(issuer: string, authReqId: string, nonce: string): string {
  return `${issuer}/authorize/complete?${new URLSearchParams({ auth_req_id: authReqId, nonce })}`;
}

/** Form POST to a token endpoint, answering status and JSON body. */
export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export interface CodeOptions {
  clientId: string;
  scope?: string;
  verifier?: string | null;
  redirectUri?: string;
  state?: string;
  nonce?: string;
}

/** authorize → login (continuation) → authorize/complete; answers the callback URL's code and the PKCE verifier. */
export async function codeFor(gw: TestGateway, issuer: string, tenantId: string, userId: string, options: CodeOptions) {
  const verifier = options.verifier === undefined ? `v-${randomUUID()}-${randomUUID()}` : options.verifier;
  const query: Record<string, string> = {
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri ?? REDIRECT,
    scope: options.scope ?? 'openid email profile',
    state: options.state ?? 'st',
    nonce: options.nonce ?? 'nn',
  };
  if (verifier !== null) {
    query.code_challenge = createHash('sha256').update(verifier).digest('base64url');
    query.code_challenge_method = 'S256';
  }
  const toLogin = await visit(`${issuer}/authorize?${new URLSearchParams(query).toString().replace(/\+/g, '%20')}`);
  if (toLogin.status !== 302 || toLogin.location === null) throw new Error(`authorize answered ${toLogin.status} ${toLogin.body}`);
  const login = await loginFor(gw, tenantId, userId, toLogin.location);
  const back = await visit(completeUrl(issuer, login.authReqId, login.nonce));
  const code = back.location?.searchParams.get('code');
  if (!code) throw new Error(`complete answered ${back.status} ${back.body}`);
  return { code, verifier, sessionId: login.sessionId };
}
