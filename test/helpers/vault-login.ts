// The Vault's side of a sign-in through the gateway's own Vault as an upstream provider (the
// Directory API's and the Passkeys API's default): the browser goes to the Vault's authorize
// endpoint, the user logs in on the login page (zkimg-1 here), and authorize/complete sends the
// browser back to the relying party's callback.
import type { TestGateway } from './gateway.ts';
import type { Browser } from './http-browser.ts';
import { completeUrl } from '../vault/_oidc.ts';
import { authenticateBody, newUser, prepareLogin, register, type TestUser } from '../vault/auth-helpers.ts';

/** How the user logs in on the Vault's login page; answers the auth request's login nonce. */
export type VaultLogin = (loginPage: URL) => Promise<{ authReqId: string; nonce: string }>;

/** A zkimg-1 user of the Vault tenant: registers on the first login, then challenge + proof. */
export function zkimgUser(gw: TestGateway, tenantId = 'default'): { login: VaultLogin; user: TestUser } {
  const user = newUser({ tenantId });
  let enrolled = false;
  const login: VaultLogin = async (page) => {
    const authReqId = page.searchParams.get('auth_req_id');
    if (!authReqId) throw new Error(`no auth_req_id in ${page}`);
    const onPage = { ...user, authReqId };
    if (!enrolled) {
      const res = await register(gw, onPage);
      if (res.response.status !== 201) throw new Error(`register: ${res.response.status} ${JSON.stringify(res.error)}`);
      enrolled = true;
    }
    const { body } = await prepareLogin(gw, onPage);
    const res = await authenticateBody(gw, onPage, body);
    if (res.data === undefined) throw new Error(`authenticate: ${res.response.status} ${JSON.stringify(res.error)}`);
    if (res.data.need_verify) throw new Error('this login unexpectedly needs a step-up');
    return { authReqId, nonce: res.data.nonce };
  };
  return { login, user };
}

/**
 * authorize (at `authorizeUrl`, the relying party's redirect to the Vault) → login page → login →
 * authorize/complete; answers where the Vault sends the browser back (the callback with code and state).
 */
export async function throughVault(gw: TestGateway, browser: Browser, login: VaultLogin, authorizeUrl: URL, tenantId = 'default'): Promise<URL> {
  const authorize = await browser.visit(authorizeUrl);
  if (authorize.status !== 302 || !authorize.location) throw new Error(`authorize answered ${authorize.status} ${authorize.body}`);
  const done = await login(authorize.location);
  const complete = await browser.visit(completeUrl(`${gw.url}/api/oidc/${tenantId}`, done.authReqId, done.nonce));
  if (complete.status !== 302 || !complete.location) throw new Error(`complete answered ${complete.status} ${complete.body}`);
  return complete.location;
}
