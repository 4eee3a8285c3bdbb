/**
 * Which identity providers' tokens the gateway accepts in exchange for its own (the token-exchange
 * API's getAccessToken, refreshAccessToken, getUserOrgs):
 *
 * - the gateway's own issuers, always: each Vault tenant's OpenID provider (`/api/oidc/{tenant}`),
 *   whose tokens must name as audience a client of that tenant, and one of the tenant's
 *   `exchangeClients` when that list is set (an ID token is fungible with an access token here, so
 *   an org can keep the ID tokens it hands to other relying parties out of the exchange); the
 *   user is the token's `sub` in that tenant; and the Passkeys API's issuer, whose tokens name
 *   their app (a tenant) in `tid`. Their keys are the gateway's own signing keys, read from the store;
 * - providers an operator registered (the gateway operator API): issuer, accepted audiences, keys
 *   from a JWKS URL (fetched with a timeout and cached, issuer-keys.ts) or inline, the claim that
 *   carries the e-mail address, and optionally a userinfo endpoint.
 *
 * Registered entries are read through a short in-process cache, so a change made on another
 * gateway instance applies within REGISTRY_CACHE_TTL_MS.
 */
import type { JWK } from 'jose';
import type { Store, TrustedIssuerDoc } from '../../store/collections.ts';
import { audiences, issuers, vaultTenantOf } from '../../issuers.ts';
import type { TenantService } from '../tenants.ts';
import { exchangeClientsOf } from './exchange-clients.ts';
import type { Clock } from '../clock.ts';
import type { ClientService } from '../clients.ts';
import { IdentityError } from '../errors.ts';
import { checkPublicJwk } from './jwk.ts';

export const REGISTRY_CACHE_TTL_MS = 30_000;
export const DEFAULT_EMAIL_CLAIM = 'email';
const MAX_AUDIENCES = 20;
const MAX_INLINE_KEYS = 20;

export type IssuerKeys = { kind: 'gateway' } | { kind: 'remote'; jwksUri: string } | { kind: 'inline'; keys: JWK[] };

/** Where the user of a token from one of the gateway's own issuers lives. */
export interface GatewayAccount {
  tenantId: string;
  userId: string;
}

export interface TrustedIssuer {
  issuer: string;
  keys: IssuerKeys;
  emailClaim: string;
  emailsVerified: boolean;
  userinfoUrl: string | null;
  /** The audiences of `present` (the token's `aud`) this issuer's tokens may carry here. */
  acceptedAudiences(present: string[], claims: Record<string, unknown>): Promise<string[]>;
  /** For the gateway's own issuers: the account the verified token speaks for; null for others. */
  accountOf(claims: Record<string, unknown>): GatewayAccount | null;
}

export interface TrustedIssuerInput {
  issuer: string;
  audiences: string[];
  jwksUri?: string | null;
  jwks?: { keys: JWK[] } | null;
  emailClaim?: string | null;
  emailsVerified?: boolean | null;
  userinfoUrl?: string | null;
}

export interface TrustedIssuerService {
  /** The trust for `issuer` (a token's unverified `iss`), or null when the gateway does not trust it. */
  resolve(issuer: string): Promise<TrustedIssuer | null>;
  list(): Promise<TrustedIssuerDoc[]>;
  put(input: TrustedIssuerInput): Promise<TrustedIssuerDoc>;
  remove(issuer: string): Promise<boolean>;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An https URL, or http on a loopback host (development and tests); never credentials or a fragment. */
function checkUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new IdentityError('request.invalid', `${what} must be an absolute URL`);
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  if (!secure || url.username || url.password || url.hash) throw new IdentityError('request.invalid', `${what} must be an https URL (http only on a loopback host), without credentials or fragment`);
  return value;
}

const stringClaim = (claims: Record<string, unknown>, name: string) => (typeof claims[name] === 'string' ? (claims[name] as string) : null);

export function createTrustedIssuerService(deps: { store: Store; tenants: Pick<TenantService, 'get'>; clients: ClientService; clock: Clock; publicUrl: string }): TrustedIssuerService {
  const { store, tenants, clients, clock, publicUrl } = deps;
  const cache = new Map<string, { doc: TrustedIssuerDoc | null; at: number }>();

  /** A Vault tenant's OpenID provider: ID tokens name the client, access tokens the Vault API and the client. */
  const vaultIssuer = (issuer: string, tenantId: string, exchangeClients: string[] | null): TrustedIssuer => ({
    issuer,
    keys: { kind: 'gateway' },
    emailClaim: DEFAULT_EMAIL_CLAIM,
    emailsVerified: false,
    userinfoUrl: `${issuer}/userinfo`,
    async acceptedAudiences(present) {
      const accepted: string[] = [];
      for (const aud of present.slice(0, MAX_AUDIENCES)) {
        if (exchangeClients !== null && !exchangeClients.includes(aud)) continue;
        if ((await clients.get(tenantId, aud)) !== null) accepted.push(aud);
      }
      return accepted;
    },
    accountOf: (claims) => {
      const sub = stringClaim(claims, 'sub');
      // A client_credentials token speaks for its client, not for a user (its `sub` is the client id).
      if (sub === null || sub === stringClaim(claims, 'client_id')) return null;
      return { tenantId, userId: sub };
    },
  });

  /** The Passkeys API's tokens: the app (a tenant) in `tid`, audience the Passkeys API or the app. */
  const passkeysIssuer = (issuer: string): TrustedIssuer => ({
    issuer,
    keys: { kind: 'gateway' },
    emailClaim: DEFAULT_EMAIL_CLAIM,
    emailsVerified: false,
    userinfoUrl: null,
    async acceptedAudiences(present, claims) {
      const app = stringClaim(claims, 'tid');
      return present.filter((aud) => aud === audiences.passkeysApi(publicUrl) || (app !== null && aud === app));
    },
    accountOf: (claims) => {
      const tenantId = stringClaim(claims, 'tid');
      const userId = stringClaim(claims, 'sub');
      return tenantId !== null && userId !== null ? { tenantId, userId } : null;
    },
  });

  const registered = (doc: TrustedIssuerDoc): TrustedIssuer => ({
    issuer: doc._id,
    keys: doc.jwksUri !== null ? { kind: 'remote', jwksUri: doc.jwksUri } : { kind: 'inline', keys: (doc.jwks?.keys ?? []) as JWK[] },
    emailClaim: doc.emailClaim,
    emailsVerified: doc.emailsVerified,
    userinfoUrl: doc.userinfoUrl,
    acceptedAudiences: async (present) => present.filter((aud) => doc.audiences.includes(aud)),
    accountOf: () => null,
  });

  const findRegistered = async (issuer: string): Promise<TrustedIssuerDoc | null> => {
    const hit = cache.get(issuer);
    if (hit !== undefined && Date.now() - hit.at < REGISTRY_CACHE_TTL_MS) return hit.doc;
    const doc = await store.trustedIssuers.findOne({ _id: issuer });
    if (cache.size > 1000) cache.clear();
    cache.set(issuer, { doc, at: Date.now() });
    return doc;
  };

  const isGatewayIssuer = (issuer: string) => vaultTenantOf(publicUrl, issuer) !== null || issuer === issuers.passkeys(publicUrl);

  return {
    async resolve(issuer) {
      if (typeof issuer !== 'string' || issuer === '' || issuer.length > 2048) return null;
      const tenantId = vaultTenantOf(publicUrl, issuer);
      if (tenantId !== null) {
        // The cached record (cached-records.ts): settings change through writes that invalidate it.
        const tenant = await tenants.get(tenantId);
        return tenant === null ? null : vaultIssuer(issuer, tenantId, exchangeClientsOf(tenant));
      }
      if (issuer === issuers.passkeys(publicUrl)) return passkeysIssuer(issuer);
      const doc = await findRegistered(issuer);
      return doc === null ? null : registered(doc);
    },

    list: () => store.trustedIssuers.find({}).sort({ _id: 1 }).toArray(),

    async put(input) {
      const issuer = checkUrl(input.issuer, 'issuer');
      if (isGatewayIssuer(issuer)) throw new IdentityError('resource.conflict', 'the gateway always trusts its own issuers; they cannot be registered');
      const audienceList = [...new Set(input.audiences)];
      if (audienceList.length === 0 || audienceList.length > MAX_AUDIENCES || audienceList.some((a) => typeof a !== 'string' || a === '')) {
        throw new IdentityError('request.invalid', `audiences must hold 1 to ${MAX_AUDIENCES} non-empty strings`);
      }
      const jwksUri = input.jwksUri ?? null;
      const jwks = input.jwks ?? null;
      if ((jwksUri === null) === (jwks === null)) throw new IdentityError('request.invalid', 'give exactly one of jwksUri and jwks');
      if (jwksUri !== null) checkUrl(jwksUri, 'jwksUri');
      if (jwks !== null) {
        if (!Array.isArray(jwks.keys) || jwks.keys.length === 0 || jwks.keys.length > MAX_INLINE_KEYS) throw new IdentityError('request.invalid', `jwks.keys must hold 1 to ${MAX_INLINE_KEYS} keys`);
        jwks.keys.forEach((key, i) => checkPublicJwk(key, `jwks.keys[${i}]`));
      }
      const userinfoUrl = input.userinfoUrl ? checkUrl(input.userinfoUrl, 'userinfoUrl') : null;
      const now = clock();
      const fields = {
        audiences: audienceList,
        jwksUri,
        jwks: jwks === null ? null : { keys: jwks.keys as Record<string, unknown>[] },
        emailClaim: input.emailClaim || DEFAULT_EMAIL_CLAIM,
        emailsVerified: input.emailsVerified === true,
        userinfoUrl,
        updatedAt: now,
      };
      const doc = await store.trustedIssuers.findOneAndUpdate(
        { _id: issuer },
        { $set: fields, $setOnInsert: { createdAt: now } },
        { upsert: true, returnDocument: 'after' },
      );
      cache.delete(issuer);
      return doc as TrustedIssuerDoc;
    },

    async remove(issuer) {
      const result = await store.trustedIssuers.deleteOne({ _id: issuer });
      cache.delete(issuer);
      return result.deletedCount === 1;
    },
  };
}
