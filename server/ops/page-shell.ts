/**
 * The HTML frame of the gateway's own pages (sign-in, enrolment, e-mail confirmation, account,
 * error pages): one stylesheet, the favicon, the import map of the zkimg-1 modules and one entry
 * module, under LOGIN_PAGE_CSP.
 *
 * Scripts: no inline script runs. A page carries one inline *import map* (data, not code) that
 * maps `@noble/curves/` and `@noble/hashes/` to the installed packages, served unmodified from
 * node_modules under `/api/oidc/_login/assets/noble/`. Browsers subject inline import maps to
 * `script-src`, so the CSP is `script-src 'self' 'sha256-<import map>'`: that one constant JSON
 * document, and scripts from this origin, nothing else. The asset prefix starts with `_`, which no
 * tenant id can (tenants.ts TENANT_ID_PATTERN), so it never shadows a tenant. Every value put in the page is HTML-escaped.
 */
import { createHash } from 'node:crypto';

export const LOGIN_ASSETS_PREFIX = '/api/oidc/_login/assets';

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

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** `data-name="value"` attributes, escaped, for the page's module to read. */
export function dataAttributes(data: Record<string, string | number | boolean>): string {
  return Object.entries(data)
    .map(([name, value]) => `data-${name}="${escapeHtml(String(value))}"`)
    .join(' ');
}

/**
 * `script`: an entry module among the assets (with the import map); `moduleSrc`: a module at
 * another path of this origin that imports nothing from npm packages (no import map).
 */
export function pageShell(input: { title: string; mainId: string; data?: Record<string, string | number | boolean>; script?: string; moduleSrc?: string; body: string }): string {
  const script =
    input.script !== undefined
      ? `<script type="importmap">${IMPORT_MAP}</script>\n<script type="module" src="${LOGIN_ASSETS_PREFIX}/${input.script}"></script>\n`
      : input.moduleSrc !== undefined
        ? `<script type="module" src="${escapeHtml(input.moduleSrc)}"></script>\n`
        : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(input.title)}</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${LOGIN_ASSETS_PREFIX}/login.css">
${script}</head>
<body>
<main id="${input.mainId}" ${dataAttributes(input.data ?? {})}>
${input.body}
<p id="status" role="status" aria-live="polite"></p>
${script === '' ? '' : '<noscript>This page needs JavaScript.</noscript>\n'}</main>
</body>
</html>
`;
}
