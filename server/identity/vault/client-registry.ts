/**
 * The Vault's rules for client registrations (spec schema `Client`) on top of `identity.clients`:
 *
 * - `redirect_uris` and `post_logout_redirect_uri` entries are absolute URLs without a fragment
 *   (RFC 6749 §3.1.2), `https`, or `http` only on a loopback host (RFC 8252 §7.3; OAuth 2.0
 *   Security BCP, RFC 9700 §2.1), so that a code is never sent in clear over the network.
 * - A confidential client has a secret: the caller's (at least 32 characters, since secrets are
 *   stored as fast hashes that only high-entropy values make safe: secrets/hash.ts) or a generated
 *   one; it is returned once, by Create Client, and stored as a hash. A public client has none.
 * - Reads never carry a secret (`client_secret: null`) nor its hash.
 * - Update Client: a null `client_secret` keeps the secret; a public client becoming confidential
 *   must bring its secret in the same request (Update answers `null`, so a generated one could
 *   never be shown); a confidential client becoming public loses its secret.
 * - The bootstrap's `directory-session` and `passkeys-oidc` clients keep their type and secret: the
 *   Directory and Passkeys APIs present the secrets sealed in the bootstrap record, so changing
 *   them here would cut those APIs off from their upstream.
 * - `allowed_scopes` (the OpenID scopes when absent) is granting scopes, so who may list which
 *   is client-scopes.ts's rule, checked by Create and Update Client with `allowedScopesOf`.
 */
import type { components } from '../../../generated/secrets-vault/schema.ts';
import { conflict, validationError, type ValidationIssue } from '../../http/errors.ts';
import type { ClientDoc } from '../../store/collections.ts';
import { DEFAULT_TENANT_ID, DIRECTORY_CLIENT_ID, PASSKEYS_OIDC_CLIENT_ID } from '../bootstrap.ts';
import { DEFAULT_CLIENT_SCOPES, type ClientInput, type ClientPatch } from '../clients.ts';
import { grantTypesFor } from '../oauth/grants/index.ts';

export type VaultClient = components['schemas']['Client'];

export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._~:-]{1,128}$/;
export const MIN_CLIENT_SECRET_LENGTH = 32;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** Display fields kept in `ClientDoc.extra` under their spec names. */
const EXTRA_FIELDS = ['logo_uri', 'op_policy_url', 'op_tos_url', 'op_user_agreement_url', 'client_uri', 'client_logout_uri', 'tenant_name'] as const;

/** Why `uri` cannot be a redirect target, or null when it can. */
export function redirectUriProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URL';
  }
  if (uri.includes('#')) return 'must not contain a fragment (RFC 6749 §3.1.2)';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null;
  if (url.protocol === 'http:') return 'http is allowed only for localhost and 127.0.0.1; use https';
  return 'must use https (or http on localhost)';
}

function checkUriList(list: readonly string[] | undefined, field: string, issues: ValidationIssue[]): void {
  (list ?? []).forEach((uri, i) => {
    const problem = redirectUriProblem(uri);
    if (problem) issues.push({ location: 'body', path: [field, i], message: problem, type: 'value_error.url' });
  });
}

/** Checks the body fields that the schema cannot express; throws a 422 listing every problem. */
export function checkClientBody(body: VaultClient, options: { checkClientId: boolean }): void {
  const issues: ValidationIssue[] = [];
  if (options.checkClientId && !CLIENT_ID_PATTERN.test(body.client_id)) {
    issues.push({ location: 'body', path: ['client_id'], message: 'must be 1 to 128 characters of A-Z a-z 0-9 . _ ~ : -', type: 'value_error' });
  }
  if (body.name.trim() === '') issues.push({ location: 'body', path: ['name'], message: 'must not be empty', type: 'value_error' });
  checkUriList(body.redirect_uris, 'redirect_uris', issues);
  checkUriList(body.post_logout_redirect_uri, 'post_logout_redirect_uri', issues);
  const type = body.client_type ?? 'confidential';
  if (body.client_secret != null) {
    if (type === 'public') issues.push({ location: 'body', path: ['client_secret'], message: 'a public client has no secret', type: 'value_error' });
    else if (body.client_secret.length < MIN_CLIENT_SECRET_LENGTH) {
      issues.push({ location: 'body', path: ['client_secret'], message: `must be at least ${MIN_CLIENT_SECRET_LENGTH} characters`, type: 'value_error' });
    }
  }
  if (issues.length > 0) throw validationError(issues);
}

function extraOf(body: VaultClient): Record<string, unknown> {
  const extra: Record<string, unknown> = {
    register_enable: body.register_enable ?? false,
    is_lock: body.is_lock ?? false,
    flow: body.flow ?? null,
  };
  for (const f of EXTRA_FIELDS) extra[f] = body[f] ?? null;
  return extra;
}

/** The client's `allowed_scopes` as it will be stored: the body's, else the OpenID scopes. */
export function allowedScopesOf(body: VaultClient): string[] {
  return body.allowed_scopes ? [...new Set(body.allowed_scopes)] : [...DEFAULT_CLIENT_SCOPES];
}

/** What a Vault Client body sets, on create and on update alike (the type decides grants and auth). */
function registrationOf(body: VaultClient, type: ClientDoc['type']) {
  return {
    name: body.name,
    type,
    redirectUris: [...(body.redirect_uris ?? [])],
    postLogoutRedirectUris: [...(body.post_logout_redirect_uri ?? [])],
    allowedScopes: allowedScopesOf(body),
    grantTypes: grantTypesFor(type),
    signingAlg: body.sing_alg ?? 'EdDSA',
    tokenEndpointAuthMethod: type === 'public' ? ('none' as const) : ('client_secret_post' as const),
  };
}

export function clientInputFromVault(body: VaultClient): ClientInput {
  const type = body.client_type ?? 'confidential';
  return {
    clientId: body.client_id,
    ...registrationOf(body, type),
    ...(type === 'confidential' && body.client_secret != null ? { secret: body.client_secret } : {}),
    extra: extraOf(body),
  };
}

/** The patch for Update Client, applying the type and secret rules above to the current record. */
export function clientPatchFromVault(current: ClientDoc, body: VaultClient): ClientPatch {
  const type = body.client_type ?? 'confidential';
  // the gateway's own relying parties present the secret the bootstrap sealed for them
  const bootstrapClient = current.tenantId === DEFAULT_TENANT_ID && [DIRECTORY_CLIENT_ID, PASSKEYS_OIDC_CLIENT_ID].includes(current.clientId);
  if (bootstrapClient && (type !== current.type || body.client_secret != null)) {
    throw conflict(`The type and secret of ${current.clientId} are managed by the gateway's bootstrap`);
  }
  if (type === 'confidential' && current.type === 'public' && body.client_secret == null) {
    throw validationError([{ location: 'body', path: ['client_secret'], message: 'a client becoming confidential needs its client_secret in the same request', type: 'value_error.missing' }]);
  }
  const patch: ClientPatch = { ...registrationOf(body, type), extra: { ...current.extra, ...extraOf(body) } };
  if (type === 'public') patch.secret = null;
  else if (body.client_secret != null) patch.secret = body.client_secret;
  return patch;
}

/** The client as the spec's Client; `secret` only in Create Client's answer. */
export function toVaultClient(doc: ClientDoc, secret: string | null = null): VaultClient {
  const x = doc.extra;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const flow = x.flow as VaultClient['flow'];
  return {
    client_id: doc.clientId,
    name: doc.name,
    tenant_id: doc.tenantId,
    redirect_uris: [...doc.redirectUris],
    post_logout_redirect_uri: [...doc.postLogoutRedirectUris],
    allowed_scopes: [...doc.allowedScopes],
    // The spec makes this field a constant; public clients do not authenticate at all.
    token_endpoint_auth_method: 'client_secret_post',
    logo_uri: str(x.logo_uri),
    op_policy_url: str(x.op_policy_url),
    op_tos_url: str(x.op_tos_url),
    op_user_agreement_url: str(x.op_user_agreement_url),
    client_uri: str(x.client_uri),
    client_logout_uri: str(x.client_logout_uri),
    register_enable: x.register_enable === true,
    tenant_name: str(x.tenant_name),
    client_secret: secret,
    client_type: doc.type,
    is_lock: x.is_lock === true,
    sing_alg: doc.signingAlg,
    flow: flow && typeof flow === 'object' ? flow : null,
  };
}
