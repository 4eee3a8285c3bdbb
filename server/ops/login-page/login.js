// The gateway's login page (GET /api/oidc/{tenant}/login?auth_req_id=): username, PIN and an
// image, run through zkimg-1 (zkimg-browser.js), or a passkey when the tenant allows it. No
// framework and no inline script (CSP script-src 'self'); settings come from data-* attributes.
import { ALGORITHM_VERSION, TEMPLATE_DIM, deriveCipherKey, enrol, prove, templateFromRgba, b64u, fromB64u } from './zkimg-browser.js';

const root = globalThis.document?.getElementById('login');
if (root) init(root);

function init(main) {
  const tenantId = main.dataset.tenantId;
  const authReqId = main.dataset.authReqId || '';
  const form = main.querySelector('#login-form');
  const status = main.querySelector('#status');
  const passkeyButton = main.querySelector('#passkey-button');
  const say = (text) => { status.textContent = text; };
  const query = authReqId ? `?auth_req_id=${encodeURIComponent(authReqId)}` : '';

  async function api(path, body) {
    const res = await fetch(`/api${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const data = await res.json().catch(() => null);
    if (!res.ok) {
      const detail = data && typeof data.detail === 'string' ? data.detail : (data && Array.isArray(data.detail) ? data.detail.map((d) => d.msg).join('; ') : `HTTP ${res.status}`);
      throw new Error(detail);
    }
    return data;
  }

  /** median64-v1: the canvas scales the image to 64 x 64; zkimg-browser.js thresholds it. */
  async function templateOf(file) {
    if (!file) throw new Error('Choose your image');
    const bitmap = await createImageBitmap(file);
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = TEMPLATE_DIM;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    return templateFromRgba(ctx.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
  }

  function finish(result) {
    if (result.need_verify && main.dataset.passkeyEnabled === 'true') {
      say('One more step: confirm with your passkey.');
      passkeyButton.hidden = false;
      passkeyButton.focus();
      return;
    }
    if (authReqId) {
      location.assign(`/api/oidc/${encodeURIComponent(tenantId)}/authorize/complete?auth_req_id=${encodeURIComponent(authReqId)}&nonce=${encodeURIComponent(result.nonce)}`);
    } else {
      say(result.need_verify ? 'Signed in; this login needs a second step before an application can use it.' : 'Signed in.');
    }
  }

  async function login(username, cipherKey, template) {
    say('Checking your key…');
    const challenge = await api(`/auth/challenge${query}`, { username, cipherKey });
    say('Proving your image…');
    const body = await prove({ challengeData: challenge.challenge_data, template, username, cipherKey });
    return api(`/auth/authenticate${query}`, body);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const action = event.submitter?.value ?? 'login';
    const data = new FormData(form);
    const username = String(data.get('username') || '').trim();
    try {
      form.inert = true;
      say('Deriving your key from the PIN…');
      const cipherKey = await deriveCipherKey(String(data.get('pin') || ''), tenantId, username);
      const template = await templateOf(data.get('image'));
      if (action === 'register') {
        const email = String(data.get('email') || '');
        if (!email) throw new Error('Registration needs an e-mail address');
        say('Enrolling…');
        const enrolment = await enrol({ template, dim: TEMPLATE_DIM, alg: ALGORITHM_VERSION, cipherKey, tenantId, username });
        await api(`/auth/register${query}`, { username, email, ...enrolment });
      }
      finish(await login(username, cipherKey, template));
    } catch (error) {
      say(error instanceof Error ? error.message : String(error));
    } finally {
      form.inert = false;
    }
  });

  if (main.dataset.registerEnabled === 'true') {
    main.querySelector('#register-button').hidden = false;
    main.querySelector('#email-row').hidden = false;
  }
  if (main.dataset.passkeyEnabled === 'true' && globalThis.PublicKeyCredential) {
    passkeyButton.hidden = false;
    passkeyButton.addEventListener('click', async () => {
      const username = String(new FormData(form).get('username') || '').trim();
      try {
        if (!username) throw new Error('Enter your username first');
        say('Waiting for your passkey…');
        const options = await api(`/passkeys/auth/options?tenant_id=${encodeURIComponent(tenantId)}`, { username, tenant_id: tenantId });
        const credential = await navigator.credentials.get({
          publicKey: {
            ...options,
            challenge: fromB64u(options.challenge),
            allowCredentials: (options.allowCredentials ?? []).map((c) => ({ ...c, id: fromB64u(c.id) })),
          },
        });
        const r = credential.response;
        const result = await api(`/passkeys/auth/verify${query}`, {
          id: credential.id,
          raw_id: b64u(new Uint8Array(credential.rawId)),
          client_data_json: b64u(new Uint8Array(r.clientDataJSON)),
          authenticator_data: b64u(new Uint8Array(r.authenticatorData)),
          signature: b64u(new Uint8Array(r.signature)),
          user_handle: r.userHandle ? b64u(new Uint8Array(r.userHandle)) : null,
          username,
          tenant_id: tenantId,
          authenticator_attachment: credential.authenticatorAttachment ?? null,
        });
        finish({ ...result, need_verify: false });
      } catch (error) {
        say(error instanceof Error ? error.message : String(error));
      }
    });
  }
}
