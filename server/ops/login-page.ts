/**
 * The gateway's own login page (`authorize` redirects to GATEWAY_LOGIN_URL, by default
 * this page): `GET /api/oidc/{tenant_id}/login?auth_req_id=`. Plain HTML, one stylesheet and two
 * small ES modules (server/ops/login-page/): login.js (the form) and zkimg-browser.js (zkimg-1 on
 * WebCrypto and @noble/curves).
 *
 * Scripts: no inline script runs. The page carries one inline *import map* (data, not code) that
 * maps `@noble/curves/` and `@noble/hashes/` to the installed packages, served unmodified from
 * node_modules under `/api/oidc/_login/assets/noble/`. Browsers subject inline import maps to
 * `script-src`, so the page's CSP is `script-src 'self' 'sha256-<import map>'`: that one
 * constant JSON document, and scripts from this origin, nothing else. The asset prefix starts
 * with `_`, which no tenant id can (tenants.ts TENANT_ID_PATTERN), so it never shadows a tenant.
 *
 * The tenant's login options (registration open, passkeys, PIN length and masking) are rendered
 * into `data-*` attributes; every value is HTML-escaped.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';
import type { GatewayServices } from '../services.ts';
import { toPublicTenant } from '../identity/vault/login-ui-views.ts';

export const LOGIN_ASSETS_PREFIX = '/api/oidc/_login/assets';
const ASSET_DIR = fileURLToPath(new URL('./login-page/', import.meta.url));
const ASSETS: Record<string, string> = {
  'login.js': 'text/javascript; charset=utf-8',
  'zkimg-browser.js': 'text/javascript; charset=utf-8',
  'login.css': 'text/css; charset=utf-8',
};
/** The installed packages' directories, found the way Node resolves them (both keep their modules at the root). */
const packageDir = (module: string) => dirname(fileURLToPath(import.meta.resolve(module)));
const NOBLE_DIRS: Record<string, string> = {
  curves: packageDir('@noble/curves/ed25519.js'),
  hashes: packageDir('@noble/hashes/sha2.js'),
};
/** Only the packages' compiled modules: `x.js` or `abstract/x.js`, so no path can leave the package. */
const NOBLE_FILE = /^\/((?:abstract\/)?[A-Za-z0-9_-]+\.js)$/;

export const IMPORT_MAP = JSON.stringify({
  imports: {
    '@noble/curves/': `${LOGIN_ASSETS_PREFIX}/noble/curves/`,
    '@noble/hashes/': `${LOGIN_ASSETS_PREFIX}/noble/hashes/`,
  },
});
const IMPORT_MAP_HASH = `sha256-${createHash('sha256').update(IMPORT_MAP, 'utf8').digest('base64')}`;

export const LOGIN_PAGE_CSP = [
  "default-src 'self'",
  `script-src 'self' '${IMPORT_MAP_HASH}'`,
  "style-src 'self'",
  // The chosen image is read through createImageBitmap from the file itself; no network images.
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(tenantId: string, authReqId: string, tenant: ReturnType<typeof toPublicTenant>, title: string): string {
  const attr = (name: string, value: string | number | boolean) => `data-${name}="${escapeHtml(String(value))}"`;
  const pinType = tenant.show_pin_when_typing ? 'text' : 'password';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Sign in · ${escapeHtml(title)}</title>
<link rel="stylesheet" href="${LOGIN_ASSETS_PREFIX}/login.css">
<script type="importmap">${IMPORT_MAP}</script>
<script type="module" src="${LOGIN_ASSETS_PREFIX}/login.js"></script>
</head>
<body>
<main id="login" ${attr('tenant-id', tenantId)} ${attr('auth-req-id', authReqId)} ${attr('register-enabled', tenant.register_enable ?? false)} ${attr('passkey-enabled', tenant.passkey_enabled ?? false)} ${attr('pin-size', tenant.pin_size ?? 6)}>
<h1>Sign in to ${escapeHtml(title)}</h1>
<form id="login-form" autocomplete="on">
<label>Username <input name="username" autocomplete="username" required pattern="[a-zA-Z0-9_.@\\-]+" maxlength="128"></label>
<label>PIN <input name="pin" type="${pinType}" inputmode="numeric" autocomplete="current-password" required minlength="${escapeHtml(String(tenant.pin_size ?? 6))}"></label>
<label>Your image <input name="image" type="file" accept="image/*" required></label>
<label id="email-row" hidden>E-mail (to register) <input name="email" type="email" autocomplete="email"></label>
<button type="submit" name="action" value="login">Sign in</button>
<button type="submit" name="action" value="register" id="register-button" hidden>Register</button>
</form>
<button type="button" id="passkey-button" hidden>Sign in with a passkey</button>
<p id="status" role="status" aria-live="polite"></p>
<p class="note">Your PIN and image never leave this device: the page derives a key from the PIN and proves that your image matches the enrolled one (zkimg-1).</p>
<noscript>This sign-in page needs JavaScript.</noscript>
</main>
</body>
</html>
`;
}

function sendAsset(res: Response, file: string, type: string): void {
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'public, max-age=300');
  res.send(readFileSync(file));
}

export function loginPageRouter(services: GatewayServices): Router {
  const router = express.Router({ strict: false, caseSensitive: true });

  router.get(`${LOGIN_ASSETS_PREFIX}/noble/:pkg/*path`, (req: Request, res: Response) => {
    const dir = NOBLE_DIRS[String(req.params.pkg)];
    const rel = `/${([] as string[]).concat(req.params.path as unknown as string[]).join('/')}`;
    const match = NOBLE_FILE.exec(rel);
    if (dir === undefined || match === null) return void res.status(404).type('text/plain').send('Not found');
    try {
      sendAsset(res, join(dir, match[1]!), 'text/javascript; charset=utf-8');
    } catch {
      res.status(404).type('text/plain').send('Not found');
    }
  });

  router.get(`${LOGIN_ASSETS_PREFIX}/:file`, (req: Request, res: Response) => {
    const file = String(req.params.file);
    const type = ASSETS[file];
    if (type === undefined) return void res.status(404).type('text/plain').send('Not found');
    sendAsset(res, join(ASSET_DIR, file), type);
  });

  router.get('/api/oidc/:tenant_id/login', (req: Request, res: Response, next) => {
    const tenantId = String(req.params.tenant_id);
    const authReqId = typeof req.query.auth_req_id === 'string' ? req.query.auth_req_id : '';
    services.identity.tenants.get(tenantId).then((tenant) => {
      res.setHeader('Content-Security-Policy', LOGIN_PAGE_CSP);
      res.setHeader('Cache-Control', 'no-store');
      if (tenant === null) {
        return void res.status(404).type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found</title></head><body><h1>Unknown tenant</h1></body></html>`);
      }
      const view = toPublicTenant(tenant);
      res.type('html').send(page(tenant._id, authReqId, view, view.display_name || tenant.name));
    }, next);
  });

  return router;
}
