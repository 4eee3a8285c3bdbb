// The enrolment page of an invitation (GET /api/oidc/{tenant}/enrol?token=): the invited person
// chooses how to sign in, an image and a PIN (zkimg-1) or a passkey, with the e-mailed link's
// token (Vault operations Enrol, and Passkey Options / Register With A Link). The server checked
// the link before serving the page and put the username in it: zkimg-1 derives the key from it.
import { ALGORITHM_VERSION, TEMPLATE_DIM, deriveCipherKey, enrol } from './zkimg-browser.js';
import { api, createPasskey, deviceName, explain, passkeysAvailable, statusLine } from './ui.js';
import { checkedPin, templateOf } from './image-template.js';

const LINK = {
  401: 'This link is not valid any more: it was already used, it expired, or a newer one was sent. Ask your administrator for a new invitation.',
  409: 'This device already holds a passkey for your account.',
};

const root = globalThis.document?.getElementById('enrol');
if (root) init(root);

function init(main) {
  const d = main.dataset;
  const say = statusLine(main);
  const form = main.querySelector('#enrol-form');
  const done = (how) => {
    form.hidden = true;
    main.querySelector('#enrol-passkey').hidden = true;
    main.querySelector('#choices').hidden = true;
    main.querySelector('#done').hidden = false;
    say(`You are all set: from now on, sign in with ${how}.`, 'ok');
  };
  const busy = async (fn) => {
    main.inert = true;
    try {
      await fn();
    } catch (error) {
      say(explain(error, LINK), 'error');
    } finally {
      main.inert = false;
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    busy(async () => {
      const pin = checkedPin(String(data.get('pin') || ''), Number(d.pinSize) || 6, String(data.get('pin2') || ''));
      say('Deriving your key from the PIN…');
      const cipherKey = await deriveCipherKey(pin, d.tenantId, d.username);
      const template = await templateOf(data.get('image'));
      say('Saving…');
      const { encrypted_commitment, proto_version } = await enrol({ template, dim: TEMPLATE_DIM, alg: ALGORITHM_VERSION, cipherKey, tenantId: d.tenantId, username: d.username });
      await api('/auth/enrolment', { body: { tenant_id: d.tenantId, token: d.token, encrypted_commitment, proto_version } });
      done('your username, your PIN and this image');
    });
  });

  if (d.passkeyEnabled === 'true' && passkeysAvailable()) {
    const button = main.querySelector('#enrol-passkey');
    button.hidden = false;
    button.addEventListener('click', () =>
      busy(async () => {
        say('Follow your browser’s steps to create the passkey…');
        const options = await api('/auth/passkey/options', { body: { tenant_id: d.tenantId, enrolment_token: d.token } });
        const credential = await createPasskey(options);
        await api('/auth/passkey/register', { body: { tenant_id: d.tenantId, enrolment_token: d.token, name: deviceName(), credential } });
        done('your passkey');
      }),
    );
  }
}
