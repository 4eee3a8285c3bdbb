// The e-mail confirmation page (GET /api/oidc/{tenant}/verify-email?token=): confirms the address
// with the link's token as soon as the page opens (Vault operation Verify Email). The token is
// spent by this script's POST, not by the GET, so a mail scanner that fetches links spends nothing.
import { api, explain, statusLine } from './ui.js';

const root = globalThis.document?.getElementById('verify-email');
if (root) {
  const say = statusLine(root);
  say('Confirming your address…');
  api('/auth/email/verify', { body: { tenant_id: root.dataset.tenantId, token: root.dataset.token } }).then(
    () => say('Thank you: your e-mail address is confirmed. You can close this page.', 'ok'),
    (error) => say(explain(error, { 401: 'This link is not valid any more: it was already used, it expired, or your address changed since. Your account page shows whether your address is confirmed.' }), 'error'),
  );
}
