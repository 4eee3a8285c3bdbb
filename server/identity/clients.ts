/**
 * OAuth/OpenID client registrations (the Vault's Client schema), shared by the Vault's provider,
 * the Directory API (its upstream client) and bootstrap. A client belongs to one tenant; its
 * `client_id` is unique within the tenant. Confidential clients' secrets are random, shown once,
 * and stored as SHA-256 hashes (secrets/hash.ts). A client's grant types are ones of the grant
 * registry (oauth/grants/index.ts), and a confidential-only grant (client_credentials, RFC 6749
 * §4.4) is never a public client's.
 */
import { storeSkip } from '../store/paging.ts';
import { randomUUID } from 'node:crypto';
import type { ClientDoc, Store } from '../store/collections.ts';
import type { Clock } from './clock.ts';
import { IdentityError, isDuplicateKeyError } from './errors.ts';
import { cachedClient, clientWritten, openRecordCaches } from './cached-records.ts';
import { VERSION_BUMP } from './record-cache.ts';
import { grantOf, grantTypesFor } from './oauth/grants/index.ts';
import { hashSecret, randomSecret, verifySecretHash } from './secrets/hash.ts';

export interface ClientInput {
  clientId?: string;
  name: string;
  type: ClientDoc['type'];
  /** For confidential clients: a chosen secret; default a random one. */
  secret?: string;
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  allowedScopes?: string[];
  grantTypes?: string[];
  signingAlg?: ClientDoc['signingAlg'];
  tokenEndpointAuthMethod?: string;
  extra?: Record<string, unknown>;
}

export type ClientPatch = Partial<Omit<ClientInput, 'clientId' | 'secret'>> & {
  /** A new secret (stored hashed; the old one stops working at once), or null to remove it (public clients). */
  secret?: string | null;
};

export interface ClientService {
  /** Returns the record and, for confidential clients, the secret (shown once). */
  create(tenantId: string, input: ClientInput): Promise<{ client: ClientDoc; secret: string | null }>;
  get(tenantId: string, clientId: string): Promise<ClientDoc | null>;
  list(tenantId: string, options?: { skip?: number; limit?: number }): Promise<ClientDoc[]>;
  update(tenantId: string, clientId: string, patch: ClientPatch): Promise<ClientDoc | null>;
  /** New random secret for a confidential client; the old one stops working at once. */
  resetSecret(tenantId: string, clientId: string): Promise<string | null>;
  /** The confidential client if `secret` is its secret (constant-time), else null. */
  authenticate(tenantId: string, clientId: string, secret: string): Promise<ClientDoc | null>;
}

export const DEFAULT_CLIENT_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

/** Refuses grant types the registry does not have, or that a client of `type` may not hold. */
function checkGrantTypes(type: ClientDoc['type'], grantTypes: readonly string[]): void {
  for (const name of grantTypes) {
    const grant = grantOf(name);
    if (grant === null) throw new IdentityError('request.invalid', `grant type ${JSON.stringify(name)} is not supported`, { field: ['grant_types'] });
    if (grant.confidentialOnly && type !== 'confidential') throw new IdentityError('request.invalid', `${name} is for confidential clients only`, { field: ['grant_types'] });
  }
}

export function createClientService(store: Store, clock: Clock, cacheTtlMs?: number): ClientService {
  const caches = openRecordCaches(store, clock, cacheTtlMs);
  return {
    async create(tenantId, input) {
      // By default the user grants only (every grant a public client may hold).
      const grantTypes = input.grantTypes ?? grantTypesFor('public');
      checkGrantTypes(input.type, grantTypes);
      const secret = input.type === 'confidential' ? (input.secret ?? randomSecret(32)) : null;
      const now = clock();
      const client: ClientDoc = {
        _id: randomUUID(),
        tenantId,
        clientId: input.clientId ?? randomUUID(),
        name: input.name,
        type: input.type,
        secretHash: secret === null ? null : hashSecret(secret),
        redirectUris: input.redirectUris ?? [],
        postLogoutRedirectUris: input.postLogoutRedirectUris ?? [],
        allowedScopes: input.allowedScopes ?? DEFAULT_CLIENT_SCOPES,
        grantTypes,
        signingAlg: input.signingAlg ?? 'EdDSA',
        tokenEndpointAuthMethod: input.tokenEndpointAuthMethod ?? (input.type === 'public' ? 'none' : 'client_secret_post'),
        extra: input.extra ?? {},
        createdAt: now,
        updatedAt: now,
      };
      try {
        await store.clients.insertOne(client);
      } catch (error) {
        if (isDuplicateKeyError(error)) throw new IdentityError('resource.conflict', `client ${client.clientId} already exists in this tenant`);
        throw error;
      }
      return { client, secret };
    },

    get: (tenantId, clientId) => cachedClient(caches, tenantId, clientId),

    list(tenantId, { skip = 0, limit = 0 } = {}) {
      // limit 0 means no limit (MongoDB's convention).
      return store.clients.find({ tenantId }).sort({ createdAt: 1, _id: 1 }).skip(storeSkip(skip)).limit(limit).toArray();
    },

    async update(tenantId, clientId, patch) {
      if (patch.grantTypes !== undefined) {
        const type = patch.type ?? (await store.clients.findOne({ tenantId, clientId }, { projection: { type: 1 } }))?.type;
        if (type !== undefined) checkGrantTypes(type, patch.grantTypes);
      }
      const set: Record<string, unknown> = { updatedAt: clock() };
      for (const [field, value] of Object.entries(patch)) {
        if (value === undefined) continue;
        if (field === 'secret') set.secretHash = value === null ? null : hashSecret(value as string);
        else set[field] = value;
      }
      const updated = await store.clients.findOneAndUpdate({ tenantId, clientId }, { $set: set, ...VERSION_BUMP }, { returnDocument: 'after' });
      clientWritten(store, tenantId, clientId);
      return updated;
    },

    async resetSecret(tenantId, clientId) {
      const secret = randomSecret(32);
      const result = await store.clients.updateOne(
        { tenantId, clientId, type: 'confidential' },
        { $set: { secretHash: hashSecret(secret), updatedAt: clock() }, ...VERSION_BUMP },
      );
      clientWritten(store, tenantId, clientId);
      return result.matchedCount === 1 ? secret : null;
    },

    async authenticate(tenantId, clientId, secret) {
      const client = await cachedClient(caches, tenantId, clientId);
      if (client === null || client.secretHash === null) return null;
      return verifySecretHash(secret, client.secretHash) ? client : null;
    },
  };
}
