/**
 * The OpenID providers a Passkeys application (a tenant) signs users in through
 * (`oidc/{providerId}/login`), set by the operator:
 * - `issuer`, `clientId`, the client secret (sealed at rest under the master key, never shown
 *   again), `scopes` (`openid` always), `idTokenAlg` (the client's `id_token_signed_response_alg`);
 * - `redirectUris`: the application's pages that may receive the access token, matched exactly
 *   (RFC 6749 §3.1.2.2, OAuth 2.0 Security BCP §4.1.3); none registered, no sign-in.
 * Provider ids are the application's own: another application's provider of the same id is
 * another record, and a request in one application never reaches another's.
 *
 * The built-in provider `default` of the application `default`: the gateway's own Vault tenant
 * `default` through the confidential client the bootstrap made (bootstrap.ts), the same way the
 * Directory API signs in. Its record, when the operator writes one without an issuer, holds only
 * its redirect URIs and scopes; a record with an issuer replaces it by another provider.
 */
import type { LoginidOidcProviderDoc, Store } from '../../store/collections.ts';
import { DEFAULT_TENANT_ID, PASSKEYS_BUILT_IN_PROVIDER_ID } from '../bootstrap.ts';
import { IdentityError } from '../errors.ts';
import type { IdentityCore } from '../index.ts';
import { DEFAULT_UPSTREAM_SCOPES, ownVaultProvider, upstreamScopes, type UpstreamProvider } from '../upstream-oidc.ts';

const SECRET_PURPOSE = 'loginid-oidc-provider-secret';

export interface OidcDeps {
  core: IdentityCore;
  store: Store;
}

export interface OidcProviderInput {
  issuer?: string;
  clientId?: string;
  clientSecret?: string;
  scopes?: string[];
  idTokenAlg?: string;
  redirectUris: string[];
}

export interface OidcProviderView {
  appId: string;
  providerId: string;
  issuer: string;
  clientId: string;
  scopes: string[];
  idTokenAlg: string;
  redirectUris: string[];
  /** the gateway's own Vault through the bootstrap client */
  builtIn: boolean;
  updatedAt: Date | null;
}

/** A provider ready for a sign-in: its secret opened. */
export interface OidcProvider {
  view: OidcProviderView;
  upstream: UpstreamProvider;
}

const idOf = (tenantId: string, providerId: string) => `${tenantId}/${providerId}`;
const isBuiltIn = (tenantId: string, providerId: string) => tenantId === DEFAULT_TENANT_ID && providerId === PASSKEYS_BUILT_IN_PROVIDER_ID;

async function resolve(deps: OidcDeps, tenantId: string, providerId: string, doc: LoginidOidcProviderDoc | null): Promise<OidcProvider | null> {
  const base = { appId: tenantId, providerId, redirectUris: doc?.redirectUris ?? [], updatedAt: doc?.updatedAt ?? null };
  if (doc?.issuer && doc.clientId && doc.sealedSecret && doc.idTokenAlg) {
    const upstream = {
      issuer: doc.issuer, clientId: doc.clientId, clientSecret: deps.core.sealer.openText(SECRET_PURPOSE, doc.sealedSecret), scopes: doc.scopes, idTokenAlg: doc.idTokenAlg,
    };
    return { view: { ...base, issuer: doc.issuer, clientId: doc.clientId, scopes: doc.scopes, idTokenAlg: doc.idTokenAlg, builtIn: false }, upstream };
  }
  if (!isBuiltIn(tenantId, providerId)) return null;
  const creds = await deps.core.bootstrap.passkeysClientCredentials();
  if (creds === null) return null;
  const upstream = ownVaultProvider(deps.core.publicUrl, creds, doc?.scopes ?? DEFAULT_UPSTREAM_SCOPES);
  return { view: { ...base, issuer: upstream.issuer, clientId: upstream.clientId, scopes: upstream.scopes, idTokenAlg: upstream.idTokenAlg, builtIn: true }, upstream };
}

/** The application's provider of that id; null when it has none (another application's is none). */
export async function oidcProviderOf(deps: OidcDeps, tenantId: string, providerId: string): Promise<OidcProvider | null> {
  return resolve(deps, tenantId, providerId, await deps.store.loginidOidcProviders.findOne({ _id: idOf(tenantId, providerId) }));
}

export async function listOidcProviders(deps: OidcDeps, tenantId: string): Promise<OidcProviderView[]> {
  const docs = await deps.store.loginidOidcProviders.find({ tenantId }).sort({ providerId: 1 }).toArray();
  const ids = docs.map((d) => d.providerId);
  if (tenantId === DEFAULT_TENANT_ID && !ids.includes(PASSKEYS_BUILT_IN_PROVIDER_ID)) ids.push(PASSKEYS_BUILT_IN_PROVIDER_ID);
  const views: OidcProviderView[] = [];
  for (const providerId of ids.sort()) {
    const resolved = await resolve(deps, tenantId, providerId, docs.find((d) => d.providerId === providerId) ?? null);
    if (resolved) views.push(resolved.view);
  }
  return views;
}

const loopback = (host: string) => host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]';

/** An https URL (http only on a loopback host, for development); `what` names the field in the error. */
function checkUrl(value: string, field: string, options: { fragment: boolean }): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new IdentityError('request.invalid', `${field}: ${value} is not an absolute URL`, { field: [field] });
  }
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && loopback(url.hostname)))) {
    throw new IdentityError('request.invalid', `${field}: ${value} must be https (http only on a loopback host)`, { field: [field] });
  }
  if (url.username || url.password) throw new IdentityError('request.invalid', `${field}: ${value} carries credentials`, { field: [field] });
  // RFC 6749 §3.1.2: a redirection endpoint has no fragment (the access token goes there).
  if (!options.fragment && (url.hash || value.includes('#'))) throw new IdentityError('request.invalid', `${field}: ${value} has a fragment`, { field: [field] });
  return url;
}

/** Creates or replaces the provider; throws `request.invalid` for a setting no sign-in could use. */
export async function putOidcProvider(deps: OidcDeps, tenantId: string, providerId: string, input: OidcProviderInput): Promise<OidcProviderView> {
  const upstreamFields = [input.issuer, input.clientId, input.clientSecret].filter((v) => v !== undefined).length;
  if (upstreamFields !== 0 && upstreamFields !== 3) {
    throw new IdentityError('request.invalid', 'issuer, clientId and clientSecret go together', { field: ['issuer'] });
  }
  if (upstreamFields === 0 && !isBuiltIn(tenantId, providerId)) {
    throw new IdentityError('request.invalid', `Only the built-in provider ${PASSKEYS_BUILT_IN_PROVIDER_ID} of application ${DEFAULT_TENANT_ID} goes without an issuer`, { field: ['issuer'] });
  }
  if (upstreamFields === 0 && (await deps.core.bootstrap.passkeysClientCredentials()) === null) {
    throw new IdentityError('resource.not_found', 'The built-in provider is not available: this database was bootstrapped without its client');
  }
  const redirectUris = [...new Set(input.redirectUris)];
  redirectUris.forEach((uri) => checkUrl(uri, 'redirectUris', { fragment: false }));
  const issuer = input.issuer === undefined ? null : checkUrl(input.issuer, 'issuer', { fragment: false }).href.replace(/\/+$/, '');
  const now = deps.core.clock();
  const fields: Omit<LoginidOidcProviderDoc, '_id' | 'createdAt'> = {
    tenantId,
    providerId,
    issuer,
    clientId: input.clientId ?? null,
    sealedSecret: input.clientSecret === undefined ? null : deps.core.sealer.seal(SECRET_PURPOSE, input.clientSecret),
    scopes: upstreamScopes(input.scopes),
    idTokenAlg: issuer === null ? null : (input.idTokenAlg ?? 'RS256'),
    redirectUris,
    updatedAt: now,
  };
  await deps.store.loginidOidcProviders.updateOne({ _id: idOf(tenantId, providerId) }, { $set: fields, $setOnInsert: { createdAt: now } }, { upsert: true });
  const stored = await oidcProviderOf(deps, tenantId, providerId);
  if (stored === null) throw new IdentityError('resource.not_found', `Provider ${providerId} was removed meanwhile`);
  return stored.view;
}

/** Removes the application's record; the built-in provider then answers again without redirect URIs. */
export async function deleteOidcProvider(deps: OidcDeps, tenantId: string, providerId: string): Promise<boolean> {
  return (await deps.store.loginidOidcProviders.deleteOne({ _id: idOf(tenantId, providerId) })).deletedCount === 1;
}
