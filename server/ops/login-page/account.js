// The account page (GET /account/ and /account/callback): the signed-in user's sessions, passkeys,
// API keys and e-mail address, on the Vault's own operations. The page is the seeded public client
// `account` (identity/bootstrap.ts), the one client allowed the `account` scope: it signs the user
// in with the authorization-code flow and PKCE (the demo page's module, demo.js, does the OpenID
// Connect part) and keeps the access token in this tab's sessionStorage only.
import { authorizeUrl, checkClaims, decodeClaims, exchangeCode, logoutUrl, pkcePair, randomToken } from '/demo/demo.js';
import { deriveCipherKey, prove } from './zkimg-browser.js';
import { api, createPasskey, deviceName, explain, passkeysAvailable, statusLine, UserMistake } from './ui.js';
import { templateOf } from './image-template.js';

const LOGIN_KEY = 'gateway-account-login';
const TOKEN_KEY = 'gateway-account-tokens';
const SIGNED_OUT = 'Your sign-in here has ended. Press “Sign in” to continue.';

const root = globalThis.document?.getElementById('account');
if (root) init(root);

function when(info) {
  if (!info) return 'never';
  const at = new Date(info.at ?? info.date ?? info).toLocaleString();
  const ua = info.user_agent_parsed;
  const device = ua ? [ua.browser?.family, ua.os?.family].filter(Boolean).join(' on ') : info.user_agent ?? '';
  return [at, device, info.ip].filter(Boolean).join(' · ');
}

function cell(row, text) {
  row.insertCell().textContent = text;
}

/** The row's last cell, with one button per [label, handler]. */
function actions(row, ...buttons) {
  const c = row.insertCell();
  c.className = 'actions';
  for (const [label, onClick] of buttons) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', onClick);
    c.append(b);
  }
}

function init(main) {
  const cfg = { ...main.dataset };
  const say = statusLine(main);
  const $ = (selector) => main.querySelector(selector);
  let tokens = JSON.parse(sessionStorage.getItem(TOKEN_KEY) ?? 'null');
  let me = null;

  const call = (path, options = {}) => api(path, { ...options, token: tokens.access_token });
  const act = async (fn, messages = {}) => {
    try {
      await fn();
    } catch (error) {
      if (error?.status === 401 && !messages[401]) return signedOut();
      say(explain(error, messages), 'error');
    }
  };

  function signedOut(message = SIGNED_OUT) {
    sessionStorage.removeItem(TOKEN_KEY);
    tokens = null;
    $('#signed-in').hidden = true;
    $('#sign-in').hidden = false;
    say(message);
  }

  $('#sign-in').addEventListener('click', async () => {
    const { verifier, challenge } = await pkcePair();
    const login = { verifier, state: randomToken(16), nonce: randomToken(16) };
    sessionStorage.setItem(LOGIN_KEY, JSON.stringify(login));
    location.assign(authorizeUrl(cfg, { challenge, state: login.state, nonce: login.nonce }));
  });

  async function showPasskeys() {
    const { passkeys } = await call('/passkeys', { method: 'GET' });
    const body = $('#passkeys tbody');
    body.replaceChildren();
    $('#no-passkeys').hidden = passkeys.length > 0;
    for (const p of passkeys) {
      const row = body.insertRow();
      cell(row, p.name);
      cell(row, new Date(p.created_at).toLocaleString());
      cell(row, when(p.last_use));
      actions(
        row,
        ['Rename', () =>
          act(async () => {
            const name = prompt('A new name for this passkey', p.name)?.trim();
            if (!name) return;
            await call(`/passkeys/${encodeURIComponent(p.id)}`, { method: 'PUT', body: { name } });
            say(`Passkey renamed to “${name}”.`, 'ok');
            await showPasskeys();
          })],
        ['Delete', () =>
          act(async () => {
            if (!confirm(`Delete the passkey “${p.name}”? You will not be able to sign in with it any more.`)) return;
            await call(`/passkeys/${encodeURIComponent(p.id)}`, { method: 'DELETE' });
            say(`Passkey “${p.name}” deleted.`, 'ok');
            await showPasskeys();
          })],
      );
    }
  }

  async function showSessions() {
    const { sessions } = await call('/me/sessions', { method: 'GET' });
    const body = $('#sessions tbody');
    body.replaceChildren();
    for (const s of sessions) {
      const row = body.insertRow();
      cell(row, when(s.created));
      cell(row, when(s.last_access ?? s.token_issue));
      cell(row, s.current ? 'This browser' : '');
      actions(row, [s.current ? 'Sign out here' : 'End', () =>
        act(async () => {
          await call(`/me/sessions/${encodeURIComponent(s.session_id)}`, { method: 'DELETE' });
          if (s.current) return signedOut('You are signed out of this browser.');
          say('That session has ended: the device it was on must sign in again.', 'ok');
          await showSessions();
        })]);
    }
  }

  function showKeyValue(value) {
    $('#new-key').hidden = false;
    $('#new-key-value').textContent = value;
    say('Copy the key now: it is shown only once.', 'ok');
  }

  async function showKeys() {
    const { api_keys: keys } = await call('/keys', { method: 'GET' });
    const body = $('#keys tbody');
    body.replaceChildren();
    $('#no-keys').hidden = keys.length > 0;
    for (const k of keys) {
      const row = body.insertRow();
      cell(row, k.name || k.key_id);
      cell(row, k.scopes.join(' '));
      cell(row, when(k.last_use_at));
      actions(row, ['Regenerate', () =>
        act(async () => {
          if (!confirm(`Regenerate “${k.name || k.key_id}”? Programs using the old value stop working.`)) return;
          const created = await call(`/keys/${encodeURIComponent(k.key_id)}/regenerate`);
          showKeyValue(created.api_key);
          await showKeys();
        })]);
    }
  }

  function showMe() {
    $('#who').textContent = me.username;
    $('#email').textContent = me.email || 'none';
    $('#email-state').textContent = me.email ? (me.is_verified ? 'confirmed' : 'not confirmed yet: open the link we sent to this address') : '';
  }

  async function load() {
    me = await call('/me', { method: 'GET' });
    showMe();
    $('#signed-in').hidden = false;
    $('#sign-in').hidden = true;
    $('#logout').href = logoutUrl(cfg, tokens.id_token, 'signed-out');
    $('#add-passkey').hidden = !passkeysAvailable();
    await Promise.all([showPasskeys(), showSessions(), showKeys()]);
  }

  $('#add-passkey').addEventListener('click', () =>
    act(
      async () => {
        say('Follow your browser’s steps to create the passkey…');
        const options = await call('/passkeys/register/options');
        const credential = await createPasskey(options);
        await call('/passkeys/register/verify', { body: { ...credential, name: deviceName() } });
        say('Passkey added. Next time, choose “Sign in with a passkey” on the sign-in page.', 'ok');
        await showPasskeys();
      },
      { 403: 'Passkeys are not enabled for your organisation. Ask your administrator.', 409: 'This device already holds a passkey for your account.' },
    ),
  );

  $('#key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    act(async () => {
      const name = String(data.get('name') || '').trim();
      if (!name) throw new UserMistake('Give the key a name that says what it is for.');
      const scopes = data.getAll('scope').map(String);
      if (scopes.length === 0) throw new UserMistake('Choose at least one permission for the key.');
      const created = await call('/keys', { body: { name, scopes, tenant_id: me.tenant_id } });
      event.target.reset();
      showKeyValue(created.api_key);
      await showKeys();
    });
  });

  $('#email-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    act(
      async () => {
        const email = String(data.get('email') || '').trim();
        if (!email) throw new UserMistake('Enter the new address.');
        const pin = String(data.get('pin') || '');
        if (!pin) throw new UserMistake('Enter your PIN: changing the address needs your PIN and image.');
        say('Checking your PIN and image…');
        const cipherKey = await deriveCipherKey(pin, me.tenant_id, me.username);
        const template = await templateOf(data.get('image'));
        const challenge = await api('/auth/challenge', { body: { username: me.username, cipherKey } });
        const proof = await prove({ challengeData: challenge.challenge_data, template, username: me.username, cipherKey });
        await call(`/users/${encodeURIComponent(me.tenant_id)}/${encodeURIComponent(me.user_id)}/email`, {
          method: 'PUT',
          body: { email, challenge_id: proof.challenge_id, challenge_data: proof.challenge_data },
        });
        event.target.reset();
        me = await call('/me', { method: 'GET' });
        showMe();
        say(`Your address is now ${email}. We sent a message there: open its link to confirm it.`, 'ok');
      },
      {
        401: 'Your PIN or image does not match. Choose the same picture file you sign in with, and try again.',
        409: 'This address belongs to another account here. Use another address.',
        422: 'This does not look like an e-mail address. Check it and try again.',
      },
    );
  });

  const params = new URLSearchParams(location.search);
  if (params.get('state') === 'signed-out') say('You are signed out.');
  if (location.pathname.endsWith('/callback')) {
    const saved = JSON.parse(sessionStorage.getItem(LOGIN_KEY) ?? 'null');
    sessionStorage.removeItem(LOGIN_KEY);
    history.replaceState(null, '', location.pathname.replace(/callback$/, ''));
    if (params.has('error')) return say(`The sign-in did not finish (${params.get('error_description') ?? params.get('error')}). Press “Sign in” to try again.`, 'error');
    if (!params.has('code') || saved === null || saved.state !== params.get('state')) return say('This sign-in was not started from this browser tab. Press “Sign in” to start again.', 'error');
    say('Signing you in…');
    exchangeCode(cfg, { code: params.get('code'), verifier: saved.verifier })
      .then((result) => {
        const problems = checkClaims(cfg, decodeClaims(result.id_token), saved.nonce);
        if (problems.length > 0) throw new Error(`ID token: ${problems.join('; ')}`);
        tokens = result;
        sessionStorage.setItem(TOKEN_KEY, JSON.stringify(tokens));
        return load();
      })
      .then(
        () => say(''),
        (error) => say(explain(error), 'error'),
      );
    return;
  }
  if (tokens !== null) act(load);
}
