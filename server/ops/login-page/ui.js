// What every page of the gateway (sign-in, enrolment, e-mail confirmation, account) shares: calls
// to the Vault API, WebAuthn in JSON form, and plain-language messages. A person reads a sentence
// that says what to do next; the API's technical detail goes to the browser console only (the
// server keeps its own record in the audit log).

export class ApiError extends Error {
  constructor(status, detail, retryAfter) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.retryAfter = retryAfter;
  }
}

function detailOf(data, status) {
  if (data && typeof data.detail === 'string') return data.detail;
  if (data && Array.isArray(data.detail)) return data.detail.map((d) => `${(d.loc ?? []).join('.')}: ${d.msg}`).join('; ');
  return `HTTP ${status}`;
}

/** A Vault API call (`/api` + path): JSON in and out; a refusal throws ApiError. */
export async function api(path, { method = 'POST', body, token } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`/api${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, detailOf(data, res.status), Number(res.headers.get('Retry-After')) || null);
  return data;
}

function wait(seconds) {
  if (!seconds) return 'a few minutes';
  const minutes = Math.ceil(seconds / 60);
  return minutes <= 1 ? 'a minute' : `${minutes} minutes`;
}

/**
 * The sentence a person sees for an error. `messages` maps an HTTP status (or `webauthn`) to a
 * sentence for this step; the defaults below cover the rest.
 */
export function explain(error, messages = {}) {
  globalThis.console?.info('detail for support:', error?.status ?? '', error?.detail ?? error?.name ?? '', error?.message ?? error);
  if (error instanceof ApiError) {
    if (messages[error.status]) return messages[error.status];
    if (error.status === 429) return `Too many tries from this device. Wait ${wait(error.retryAfter)}, then try again.`;
    if (error.status === 422) return 'Some of what you entered is not in the expected form. Check the fields and try again.';
    if (error.status >= 500) return 'Something went wrong on our side. Try again in a moment; if it keeps happening, contact your administrator.';
    return 'That did not work. Try again; if it keeps happening, contact your administrator.';
  }
  if (error && typeof error === 'object' && 'name' in error && typeof error.name === 'string') {
    const webauthn = passkeyMessage(error);
    if (webauthn) return messages.webauthn ?? webauthn;
  }
  if (error instanceof UserMistake) return error.message;
  return 'Something went wrong in this page. Reload it and try again.';
}

/** A mistake the person can fix, in the words to show them. */
export class UserMistake extends Error {}

/** WebAuthn's DOMException names (WebAuthn §5.1.3, §5.1.4) as advice. */
function passkeyMessage(error) {
  switch (error.name) {
    case 'NotAllowedError':
    case 'AbortError':
      return 'The passkey request was cancelled or timed out. Try again when you are ready, or use your image and PIN.';
    case 'InvalidStateError':
      return 'This device already holds a passkey for this account. Sign in with it, or use another device.';
    case 'SecurityError':
      return 'Passkeys cannot be used on this address. Open the page through its usual https address and try again.';
    case 'NotSupportedError':
      return 'This browser or device cannot make a passkey of the kind needed. Try another browser or device.';
    default:
      return null;
  }
}

export const passkeysAvailable = () => typeof globalThis.PublicKeyCredential === 'function' && typeof navigator.credentials?.create === 'function';

const b64u = (bytes) => {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};
const fromB64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

/** WebAuthn L3 §5.1.8-9: the browser's JSON parsers when present, else the same by hand. */
export function creationOptions(json) {
  if (PublicKeyCredential.parseCreationOptionsFromJSON) return PublicKeyCredential.parseCreationOptionsFromJSON(json);
  return {
    ...json,
    challenge: fromB64u(json.challenge),
    user: { ...json.user, id: fromB64u(json.user.id) },
    excludeCredentials: (json.excludeCredentials ?? []).map((c) => ({ ...c, id: fromB64u(c.id) })),
  };
}

export function requestOptions(json) {
  if (PublicKeyCredential.parseRequestOptionsFromJSON) return PublicKeyCredential.parseRequestOptionsFromJSON(json);
  return { ...json, challenge: fromB64u(json.challenge), allowCredentials: (json.allowCredentials ?? []).map((c) => ({ ...c, id: fromB64u(c.id) })) };
}

/** `PublicKeyCredential.toJSON()` (WebAuthn L3 §5.1), by hand where the browser lacks it. */
export function credentialJSON(credential) {
  if (typeof credential.toJSON === 'function') return credential.toJSON();
  const r = credential.response;
  const response = r.attestationObject
    ? { clientDataJSON: b64u(r.clientDataJSON), attestationObject: b64u(r.attestationObject), transports: r.getTransports?.() ?? [] }
    : { clientDataJSON: b64u(r.clientDataJSON), authenticatorData: b64u(r.authenticatorData), signature: b64u(r.signature), ...(r.userHandle ? { userHandle: b64u(r.userHandle) } : {}) };
  return { id: credential.id, rawId: b64u(credential.rawId), type: credential.type, response, authenticatorAttachment: credential.authenticatorAttachment ?? null, clientExtensionResults: {} };
}

/** Creates a passkey with options from the server; answers the RegistrationResponseJSON. */
export async function createPasskey(optionsJSON) {
  const credential = await navigator.credentials.create({ publicKey: creationOptions(optionsJSON) });
  return credentialJSON(credential);
}

/** A short name for a new passkey from what the browser says about the device. */
export function deviceName() {
  const ua = navigator.userAgentData;
  const platform = ua?.platform || (/Mac/.test(navigator.platform) ? 'Mac' : /Win/.test(navigator.platform) ? 'Windows' : /Linux/.test(navigator.platform) ? 'Linux' : '');
  const brand = ua?.brands?.find((b) => !/Not.A.Brand|Chromium/.test(b.brand))?.brand ?? (ua ? 'Chromium' : 'Browser');
  return platform ? `${brand} on ${platform}` : brand;
}

/** Shows `text` in the page's status line (role=status, read out by screen readers). */
export function statusLine(root) {
  const status = root.querySelector('#status');
  return (text, kind = 'info') => {
    status.textContent = text;
    status.dataset.kind = kind;
  };
}
