// Shared by the Directory tests: the application registry of a tenant (through the operator API),
// the browser leg of a login against the gateway's own Vault (test/helpers/vault-login.ts), and
// reading the session from the final redirect's fragment.
import { randomUUID } from 'node:crypto';
import { createDirectorySessionClient } from '../../clients/directory-session.ts';
import type { components } from '../../generated/directory-session/schema.ts';
import type { TestGateway } from '../helpers/gateway.ts';
import { setVaultSettings } from '../vault/auth-helpers.ts';
import type { Browser } from '../helpers/http-browser.ts';
import { throughVault, type VaultLogin } from '../helpers/vault-login.ts';

export { zkimgUser, type VaultLogin } from '../helpers/vault-login.ts';

export type DirectorySession = components['schemas']['DirectorySession'];
export const APP_REDIRECT = 'http://127.0.0.1:9/viewer/callback';
export const BASE = '/directory/api/directorysession';

/** Tenant `default` allows zkimg-1 registration, and an application lists APP_REDIRECT. */
export async function prepareDefaultTenant(gw: TestGateway): Promise<void> {
  await setVaultSettings(gw, 'default', { register_enable: true });
  const res = await gw.clients.admin.gateway.PUT('/directory/tenants/{tenant_id}/applications/{app_id}', {
    params: { path: { tenant_id: 'default', app_id: 'viewer' } },
    body: { name: 'Viewer', claims: ['access:client', 'access:client-dev'], scopes: ['read:assets'], redirectUrls: [APP_REDIRECT] },
  });
  if (res.response.status !== 200) throw new Error(`put application: ${res.response.status} ${JSON.stringify(res.error)}`);
}

export interface AuthenticateQuery {
  claims?: string;
  redirecturl?: string;
  nativetoken?: string;
  appdata?: string;
  appclaims?: string[];
  needextendedbearer?: boolean;
  tenant?: string;
}

export function authenticateUrl(baseUrl: string, q: AuthenticateQuery = {}): string {
  const params = new URLSearchParams({ claims: q.claims ?? 'access:client', redirecturl: q.redirecturl ?? APP_REDIRECT });
  if (q.nativetoken) params.set('nativetoken', q.nativetoken);
  if (q.appdata !== undefined) params.set('appdata', q.appdata);
  if (q.needextendedbearer) params.set('needextendedbearer', 'true');
  if (q.tenant) params.set('tenant', q.tenant);
  for (const c of q.appclaims ?? []) params.append('appclaims', c);
  return `${baseUrl}${BASE}/authenticate?${params}`;
}

/** The same path and query on another instance (a load balancer sending the browser elsewhere). */
export const onInstance = (url: URL, baseUrl: string) => new URL(url.pathname + url.search, baseUrl);

/**
 * The browser leg: authenticate → Vault authorize → login page → (login) → authorize/complete →
 * onauthenticated (on `callbackOn`, default the same gateway) → the final Location.
 */
export async function browserLogin(gw: TestGateway, browser: Browser, login: VaultLogin, q: AuthenticateQuery = {}, callbackOn?: TestGateway) {
  const start = await browser.visit(authenticateUrl(gw.url, q));
  if (start.status !== 302 || !start.location) throw new Error(`authenticate answered ${start.status} ${start.body}`);
  const back = await throughVault(gw, browser, login, onInstance(start.location, gw.url));
  const callback = await browser.visit(onInstance(back, (callbackOn ?? gw).url));
  return { start, callback, upstreamUrl: start.location };
}

/** The DirectorySession in a final redirect's fragment. */
export function sessionFromFragment(location: URL): DirectorySession & { appdata?: string } {
  const p = new URLSearchParams(location.hash.slice(1));
  if (p.get('error') === 'true') throw new Error(`login refused: ${p.get('code')}`);
  const n = (k: string) => Number(p.get(k));
  return {
    buildrentsec: n('buildrentsec'),
    claims: p.get('claims')!,
    clientmaxidledurationsec: n('clientmaxidledurationsec'),
    directory_access_token: p.get('directory_access_token')!,
    displayname: p.get('displayname')!,
    heartbeat_before: n('heartbeat_before'),
    http_access_token: p.get('http_access_token')!,
    lmxborrowsec: n('lmxborrowsec'),
    lmxfeature: p.get('lmxfeature')!,
    lmxserver: p.get('lmxserver')!,
    session_eol: n('session_eol'),
    subinfo: JSON.parse(p.get('subinfo')!),
    ...(p.has('appdata') ? { appdata: p.get('appdata')! } : {}),
  };
}

/** The generated client with a session's bearer (response validation is on in the test gateway). */
export const sessionClient = (gw: TestGateway, token: string) =>
  createDirectorySessionClient({ baseUrl: gw.url, auth: { Infinite_Directory_Session: token } });

export const nativeToken = () => `nt_${randomUUID().replace(/-/g, '')}`;
