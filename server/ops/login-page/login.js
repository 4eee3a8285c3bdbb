// The gateway's sign-in page (GET /api/oidc/{tenant}/login?auth_req_id=): sign in with an image and
// a PIN (zkimg-1, zkimg-browser.js) or a passkey, create an account where the tenant allows it, and
// after an image sign-in, an offer to add a passkey. Passkey sign-in is usernameless: the browser
// offers the tenant's passkeys in the username field's autofill (conditional mediation, WebAuthn L3
// §5.1.4) and behind a button. No framework and no inline script (CSP script-src 'self');
// settings come from data-* attributes.
import { ALGORITHM_VERSION, TEMPLATE_DIM, deriveCipherKey, enrol, prove } from './zkimg-browser.js';
import { api, createPasskey, credentialJSON, deviceName, explain, passkeysAvailable, requestOptions, statusLine, UserMistake } from './ui.js';
import { checkedPin, templateOf } from './image-template.js';

const EXPIRED = 'This sign-in took too long and has expired. Go back to the application and start again.';
const SIGN_IN = {
  400: EXPIRED,
  401: 'Your username, PIN or image does not match. Check your username and PIN, choose the same picture file you chose when you signed up, and try again.',
};
const REGISTER = {
  400: EXPIRED,
  403: 'New accounts cannot be created here. Ask your administrator to invite you.',
  409: 'This username is already taken. Choose another one.',
};
const PASSKEY_SIGN_IN = {
  400: EXPIRED,
  401: 'This passkey is not known here any more. Sign in with your image and PIN, then add a new passkey from your account page.',
  403: 'Passkeys are not enabled here. Sign in with your image and PIN.',
};
const ADD_PASSKEY = {
  401: 'Adding a passkey took too long. You can add one later from your account page.',
  409: 'This device already holds a passkey for your account.',
};

const root = globalThis.document?.getElementById('login');
if (root) init(root);

function init(main) {
  const d = main.dataset;
  const tenantId = d.tenantId;
  const authReqId = d.authReqId || '';
  const pinSize = Number(d.pinSize) || 6;
  const passkeys = d.passkeyEnabled === 'true' && passkeysAvailable();
  const query = authReqId ? `?auth_req_id=${encodeURIComponent(authReqId)}` : '';
  const say = statusLine(main);
  const $ = (selector) => main.querySelector(selector);
  const signInForm = $('#signin-form');
  const registerForm = $('#register-form');
  const passkeyButton = $('#passkey-button');
  let conditional = null;

  const busy = async (fn) => {
    main.inert = true;
    try {
      await fn();
    } finally {
      main.inert = false;
    }
  };

  async function zkimgLogin(username, cipherKey, template) {
    say('Checking your PIN…');
    const challenge = await api(`/auth/challenge${query}`, { body: { username, cipherKey } });
    say('Comparing your image…');
    const body = await prove({ challengeData: challenge.challenge_data, template, username, cipherKey });
    return api(`/auth/authenticate${query}`, { body });
  }

  /** Where a finished login goes: back to the application, or (page opened directly) a note. */
  function proceed(nonce) {
    if (authReqId) {
      say('Signed in. Taking you back to the application…', 'ok');
      location.assign(`/api/oidc/${encodeURIComponent(tenantId)}/authorize/complete?auth_req_id=${encodeURIComponent(authReqId)}&nonce=${encodeURIComponent(nonce)}`);
      return;
    }
    for (const section of main.querySelectorAll('.step')) section.hidden = true;
    $('#done').hidden = false;
    say('You are signed in.', 'ok');
  }

  function offerPasskey(nonce, note) {
    for (const section of main.querySelectorAll('.step')) section.hidden = true;
    const offer = $('#offer');
    offer.hidden = false;
    say(note ?? 'You are signed in.', 'ok');
    $('#offer-add').focus();
    $('#offer-add').onclick = () =>
      busy(async () => {
        try {
          say('Follow your browser’s steps to create the passkey…');
          const options = await api('/auth/passkey/options', { body: { tenant_id: tenantId, login_nonce: nonce } });
          const credential = await createPasskey(options);
          await api('/auth/passkey/register', { body: { tenant_id: tenantId, login_nonce: nonce, name: deviceName(), credential } });
          say('Passkey added. Next time, choose “Sign in with a passkey”.', 'ok');
          proceed(nonce);
        } catch (error) {
          say(`${explain(error, ADD_PASSKEY)} You can also continue without one.`, 'error');
        }
      });
    $('#offer-skip').onclick = () => proceed(nonce);
  }

  function finish(result, method, note) {
    if (result.need_verify) {
      if (!passkeys) return say('This sign-in needs a second step with a passkey, which this page or browser cannot offer. Contact your administrator.', 'error');
      say('One more step: confirm with your passkey.');
      passkeyButton.hidden = false;
      passkeyButton.focus();
      return;
    }
    if (method === 'image' && passkeys) return offerPasskey(result.nonce, note);
    proceed(result.nonce);
  }

  async function verifyPasskey(credential) {
    say('Checking your passkey…');
    const result = await api(`/passkeys/auth/verify${query}`, { body: { ...credentialJSON(credential), tenant_id: tenantId } });
    finish(result, 'passkey');
  }

  const passkeyOptions = () => api(`/passkeys/auth/options?tenant_id=${encodeURIComponent(tenantId)}`, { body: { username: '', tenant_id: tenantId } });

  /** The passkeys of this site in the username field's autofill, for as long as the page is open. */
  async function startConditional() {
    if (!(await PublicKeyCredential.isConditionalMediationAvailable?.())) return;
    const controller = new AbortController();
    const pending = (async () => {
      const options = await passkeyOptions();
      const credential = await navigator.credentials.get({ publicKey: requestOptions(options), mediation: 'conditional', signal: controller.signal });
      await busy(() => verifyPasskey(credential));
    })().catch((error) => {
      // The person did not pick a passkey from the autofill (or the page stopped asking): no news.
      if (controller.signal.aborted || error?.name === 'NotAllowedError' || error?.name === 'AbortError') return;
      say(explain(error, PASSKEY_SIGN_IN), 'error');
    });
    conditional = { controller, pending };
  }

  async function stopConditional() {
    if (conditional === null) return;
    conditional.controller.abort();
    await conditional.pending;
    conditional = null;
  }

  signInForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(signInForm);
    const username = String(data.get('username') || '').trim();
    busy(async () => {
      try {
        const pin = String(data.get('pin') || '');
        if (!username) throw new UserMistake('Enter your username.');
        if (!pin) throw new UserMistake('Enter your PIN.');
        say('Deriving your key from the PIN…');
        const cipherKey = await deriveCipherKey(pin, tenantId, username);
        const template = await templateOf(data.get('image'));
        await stopConditional();
        finish(await zkimgLogin(username, cipherKey, template), 'image');
      } catch (error) {
        say(explain(error, SIGN_IN), 'error');
      }
    });
  });

  /** The registration form's username and address, which both ways of registering need. */
  function registration() {
    const data = new FormData(registerForm);
    const username = String(data.get('username') || '').trim();
    const email = String(data.get('email') || '').trim();
    if (!username) throw new UserMistake('Choose a username.');
    if (!email) throw new UserMistake('Enter your e-mail address: we send a link there to confirm it.');
    return { data, username, email };
  }

  registerForm.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(async () => {
      try {
        const { data, username, email } = registration();
        const pin = checkedPin(String(data.get('pin') || ''), pinSize, String(data.get('pin2') || ''));
        say('Deriving your key from the PIN…');
        const cipherKey = await deriveCipherKey(pin, tenantId, username);
        const template = await templateOf(data.get('image'));
        say('Creating your account…');
        const enrolment = await enrol({ template, dim: TEMPLATE_DIM, alg: ALGORITHM_VERSION, cipherKey, tenantId, username });
        await api(`/auth/register${query}`, { body: { username, email, ...enrolment } });
        await stopConditional();
        finish(await zkimgLogin(username, cipherKey, template), 'image', `Your account is ready. We sent a message to ${email}: open its link to confirm your address.`);
      } catch (error) {
        say(explain(error, REGISTER), 'error');
      }
    });
  });

  /** Registration with a passkey only: the user is created when the new passkey verifies, and signed in. */
  $('#register-passkey').addEventListener('click', () => {
    busy(async () => {
      try {
        const { username, email } = registration();
        await stopConditional();
        say('Follow your browser’s steps to create the passkey…');
        const options = await api(`/auth/register/passkey/options${query}`, { body: { username } });
        const credential = await createPasskey(options);
        const result = await api(`/auth/register/passkey${query}`, { body: { email, name: deviceName(), credential } });
        finish(result, 'passkey');
        if (!authReqId) say(`Your account is ready. We sent a message to ${email}: open its link to confirm your address.`, 'ok');
      } catch (error) {
        say(explain(error, REGISTER), 'error');
      }
    });
  });

  if (d.registerEnabled === 'true') {
    $('#register-link').hidden = false;
    $('#show-register').addEventListener('click', () => {
      $('#signin').hidden = true;
      $('#register').hidden = false;
      say('');
      registerForm.querySelector('input').focus();
    });
    $('#show-signin').addEventListener('click', () => {
      $('#register').hidden = true;
      $('#signin').hidden = false;
      say('');
    });
  }

  if (passkeys) {
    $('#register-passkey-row').hidden = false;
    passkeyButton.hidden = false;
    passkeyButton.addEventListener('click', () =>
      busy(async () => {
        try {
          await stopConditional();
          say('Follow your browser’s steps to use your passkey…');
          const options = await passkeyOptions();
          await verifyPasskey(await navigator.credentials.get({ publicKey: requestOptions(options) }));
        } catch (error) {
          say(explain(error, PASSKEY_SIGN_IN), 'error');
        }
      }),
    );
    startConditional();
  }
}
