// The demo relying party (GET /demo/ and /demo/callback): a public client that runs the
// authorization-code flow with PKCE (RFC 7636) in the browser, shows the ID token's claims and
// offers RP-initiated logout. No framework and no inline script (CSP script-src 'self'); the
// client's settings come from data-* attributes. The functions are exported so that the tests run
// this very code over HTTP.

const STORE_KEY = 'gateway-demo-login';

export function b64u(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function randomToken(size = 32) {
  return b64u(crypto.getRandomValues(new Uint8Array(size)));
}

/** RFC 7636 §4.1-4.2: a 43-character verifier and its S256 challenge. */
export async function pkcePair() {
  const verifier = randomToken(32);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: b64u(new Uint8Array(digest)) };
}

export function authorizeUrl(cfg, { challenge, state, nonce }) {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: cfg.redirectUri,
    scope: cfg.scope,
    state,
    nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return `${cfg.issuer}/authorize?${params.toString().replace(/\+/g, '%20')}`;
}

/** The code exchange at the standard token endpoint (RFC 6749 §4.1.3, form-encoded). */
export async function exchangeCode(cfg, { code, verifier }, fetchImpl = fetch) {
  const res = await fetchImpl(`${cfg.issuer}/token/standard`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: cfg.redirectUri, client_id: cfg.clientId, code_verifier: verifier }),
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(body?.error_description ?? body?.error ?? `The token endpoint answered ${res.status}`);
  return body;
}

export function decodeClaims(idToken) {
  const payload = String(idToken).split('.')[1];
  if (!payload) throw new Error('The ID token is not a JWT');
  const text = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(text, (c) => c.charCodeAt(0))));
}

/**
 * OpenID Connect Core §3.1.3.7 checks. The token came straight from the token endpoint of this
 * origin, so the connection vouches for the signer (§3.1.3.7 item 6); iss, aud, nonce and exp are
 * still checked. Answers the problems found (none: an empty list).
 */
export function checkClaims(cfg, claims, nonce, now = Date.now() / 1000) {
  const problems = [];
  if (claims.iss !== cfg.issuer) problems.push(`issuer ${claims.iss} is not ${cfg.issuer}`);
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(cfg.clientId)) problems.push(`audience ${claims.aud} does not name ${cfg.clientId}`);
  if (claims.nonce !== nonce) problems.push('the nonce is not the one this page sent');
  if (typeof claims.exp !== 'number' || claims.exp < now) problems.push('the token has expired');
  return problems;
}

export function logoutUrl(cfg, idToken, state) {
  return `${cfg.issuer.replace(/\/oidc\/[^/]+$/, '/oidc')}/logout?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: cfg.postLogoutRedirectUri, state })}`;
}

const AMR = { pin: 'a PIN', swk: 'a software key (the image login)', hwk: 'a passkey', user: 'user verification on the device', mfa: 'more than one factor', face: 'a face', pwd: 'a password' };

function configOf(root) {
  const d = root.dataset;
  return { issuer: d.issuer, clientId: d.clientId, redirectUri: d.redirectUri, postLogoutRedirectUri: d.postLogoutRedirectUri, scope: d.scope };
}

function describe(name, value) {
  if ((name === 'iat' || name === 'exp' || name === 'auth_time') && typeof value === 'number') return `${value} (${new Date(value * 1000).toLocaleString()})`;
  if (name === 'amr' && Array.isArray(value)) return `${value.join(', ')} (${value.map((v) => AMR[v] ?? v).join(', ')})`;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function init(root) {
  const cfg = configOf(root);
  const status = root.querySelector('#status');
  const say = (text) => { status.textContent = text; };
  const signIn = root.querySelector('#sign-in');
  const signedIn = root.querySelector('#signed-in');

  signIn.addEventListener('click', async () => {
    const { verifier, challenge } = await pkcePair();
    const login = { verifier, state: randomToken(16), nonce: randomToken(16) };
    sessionStorage.setItem(STORE_KEY, JSON.stringify(login));
    location.assign(authorizeUrl(cfg, { challenge, state: login.state, nonce: login.nonce }));
  });

  const params = new URLSearchParams(location.search);
  if (params.get('state') === 'signed-out') say('You are signed out. Sign in again to see a fresh ID token.');
  if (!location.pathname.endsWith('/callback')) return;

  const saved = JSON.parse(sessionStorage.getItem(STORE_KEY) ?? 'null');
  sessionStorage.removeItem(STORE_KEY);
  history.replaceState(null, '', location.pathname);
  if (params.has('error')) return say(`The sign-in did not finish: ${params.get('error_description') ?? params.get('error')}. Try again.`);
  if (!params.has('code')) return say('This page is where the gateway sends you back after signing in. Press "Sign in" to start.');
  if (saved === null || saved.state !== params.get('state')) return say('This sign-in was not started from this browser tab (the state does not match). Press "Sign in" to start again.');

  say('Exchanging the code for tokens…');
  exchangeCode(cfg, { code: params.get('code'), verifier: saved.verifier }).then(
    (tokens) => {
      const claims = decodeClaims(tokens.id_token);
      const problems = checkClaims(cfg, claims, saved.nonce);
      const table = root.querySelector('#claims tbody');
      for (const [name, value] of Object.entries(claims)) {
        const row = table.insertRow();
        row.insertCell().textContent = name;
        row.insertCell().textContent = describe(name, value);
      }
      root.querySelector('#logout').href = logoutUrl(cfg, tokens.id_token, 'signed-out');
      root.querySelector('#who').textContent = claims.preferred_username ?? claims.sub;
      signedIn.hidden = false;
      signIn.hidden = true;
      say(problems.length ? `Signed in, but the ID token failed a check: ${problems.join('; ')}.` : 'Signed in. These are the claims of your ID token.');
    },
    (error) => say(`The code could not be exchanged: ${error.message}. Press "Sign in" to try again.`),
  );
}

const root = globalThis.document?.getElementById('demo');
if (root) init(root);
