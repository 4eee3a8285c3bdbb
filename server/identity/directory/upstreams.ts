/**
 * The upstream OpenID provider of each Directory tenant. An operator registers one per tenant
 * (issuer, client id, client secret sealed at rest under the master key, scopes); without one,
 * tenant `default` uses the gateway's own Vault tenant `default` through the confidential client
 * that bootstrap created (bootstrap.ts). Other tenants without one cannot log in.
 */
import { DEFAULT_TENANT_ID } from '../bootstrap.ts';
import { ownVaultProvider, upstreamScopes, type UpstreamProvider } from '../upstream-oidc.ts';
import type { DirectoryUpstreamDoc } from '../../store/collections.ts';
import type { DirectoryDeps } from './context.ts';

const SECRET_PURPOSE = 'directory-upstream-secret';

export interface UpstreamInput {
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes?: string[];
  idTokenAlg?: string;
}

export interface UpstreamView {
  tenantId: string;
  issuer: string;
  clientId: string;
  scopes: string[];
  idTokenAlg: string;
  /** true when this is the built-in default (the gateway's own Vault), not a registered one */
  builtIn: boolean;
  updatedAt: Date | null;
}

/** The provider a tenant's logins go through, secret opened; null when the tenant has none. */
export async function upstreamFor(deps: DirectoryDeps, tenantId: string): Promise<UpstreamProvider | null> {
  const doc = await deps.store.directoryUpstreams.findOne({ _id: tenantId });
  if (doc) {
    return { issuer: doc.issuer, clientId: doc.clientId, clientSecret: deps.core.sealer.openText(SECRET_PURPOSE, doc.sealedSecret), scopes: doc.scopes, idTokenAlg: doc.idTokenAlg };
  }
  if (tenantId !== DEFAULT_TENANT_ID) return null;
  const creds = await deps.core.bootstrap.directoryClientCredentials();
  return creds === null ? null : ownVaultProvider(deps.core.publicUrl, creds);
}

export async function describeUpstream(deps: DirectoryDeps, tenantId: string): Promise<UpstreamView | null> {
  const doc = await deps.store.directoryUpstreams.findOne({ _id: tenantId });
  if (doc) return { tenantId, issuer: doc.issuer, clientId: doc.clientId, scopes: doc.scopes, idTokenAlg: doc.idTokenAlg, builtIn: false, updatedAt: doc.updatedAt };
  const provider = await upstreamFor(deps, tenantId);
  if (provider === null) return null;
  return { tenantId, issuer: provider.issuer, clientId: provider.clientId, scopes: provider.scopes, idTokenAlg: provider.idTokenAlg, builtIn: true, updatedAt: null };
}

export async function putUpstream(deps: DirectoryDeps, tenantId: string, input: UpstreamInput): Promise<UpstreamView> {
  const now = deps.core.clock();
  const scopes = upstreamScopes(input.scopes);
  const fields: Omit<DirectoryUpstreamDoc, '_id' | 'createdAt'> = {
    issuer: input.issuer.replace(/\/+$/, ''),
    clientId: input.clientId,
    sealedSecret: deps.core.sealer.seal(SECRET_PURPOSE, input.clientSecret),
    scopes,
    idTokenAlg: input.idTokenAlg ?? 'RS256',
    updatedAt: now,
  };
  await deps.store.directoryUpstreams.updateOne({ _id: tenantId }, { $set: fields, $setOnInsert: { createdAt: now } }, { upsert: true });
  return { tenantId, issuer: fields.issuer, clientId: fields.clientId, scopes, idTokenAlg: fields.idTokenAlg, builtIn: false, updatedAt: now };
}

export async function deleteUpstream(deps: DirectoryDeps, tenantId: string): Promise<boolean> {
  return (await deps.store.directoryUpstreams.deleteOne({ _id: tenantId })).deletedCount === 1;
}
