/**
 * First-start bootstrap (README.md, configuration). On an empty database:
 * - tenant `default`;
 * - an admin API key with every scope (`*`): its value is `GATEWAY_BOOTSTRAP_KEY` when set (any
 *   value of at least 24 characters; api-keys.ts derives its id from the value, so it authenticates
 *   like any key and only its hash is stored), else a generated `gk_` key returned once to be printed;
 * - the Directory API's confidential client `directory-session`, whose redirect URI is
 *   `${PUBLIC_URL}/directory/api/directorysession/onauthenticated`; its secret is stored hashed on
 *   the client (for the Vault to check) and sealed in the bootstrap record (for the Directory API,
 *   the relying party, to present);
 * - the Passkeys API's confidential client `passkeys-oidc` for its built-in OpenID provider `default`
 *   (sign-in through the Vault), redirect URI `${PUBLIC_URL}/fido2/v2/oidc/default/callback`, its
 *   secret kept the same way;
 * - a public demo client `demo` redirecting to `${PUBLIC_URL}/demo/callback`;
 * - the public client `account` of the gateway's account page (`${PUBLIC_URL}/account/`), the one
 *   client allowed the `account` scope (identity/vault/account-scope.ts): the page manages the
 *   signed-in user's sessions, passkeys, API keys and e-mail address on the Vault's operations.
 *
 * Never twice, even with several instances starting at once: the first to insert the `meta`
 * document `_id: "bootstrap"` wins (unique `_id`); the others wait for it to finish and report its
 * status. A bootstrap that died half-way (state `running` for longer than STALE_MS) is taken over
 * by a guarded update, and every step is safe to repeat.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { MetaDoc, Store } from '../store/collections.ts';
import { apiKeyIdOf, type ApiKeyService } from './api-keys.ts';
import type { ClientService } from './clients.ts';
import type { Clock } from './clock.ts';
import { IdentityError, isDuplicateKeyError } from './errors.ts';
import { clientWritten } from './cached-records.ts';
import { VERSION_BUMP } from './record-cache.ts';
import { hashSecret, randomSecret } from './secrets/hash.ts';
import type { Sealer } from './secrets/seal.ts';
import type { TenantService } from './tenants.ts';

export const BOOTSTRAP_ID = 'bootstrap';
export const DEFAULT_TENANT_ID = 'default';
export const DIRECTORY_CLIENT_ID = 'directory-session';
export const DEMO_CLIENT_ID = 'demo';
export const ACCOUNT_CLIENT_ID = 'account';
export const PASSKEYS_OIDC_CLIENT_ID = 'passkeys-oidc';
/** The Passkeys API's built-in OpenID provider (the Vault tenant `default`), whose callback the bootstrap client registers. */
export const PASSKEYS_BUILT_IN_PROVIDER_ID = 'default';
const SECRET_PURPOSE = 'bootstrap-client-secret';
const STALE_MS = 120_000;
const WAIT_POLL_MS = 100;
const WAIT_MAX_MS = 15_000;

export interface BootstrapClientInfo {
  clientId: string;
  name: string;
  type: 'public' | 'confidential';
  redirectUris: string[];
}

export interface BootstrapStatus {
  bootstrapped: boolean;
  at: Date | null;
  defaultTenantId: string;
  adminKeyId: string | null;
  adminKeySource: 'env' | 'generated' | null;
  clients: BootstrapClientInfo[];
}

export interface BootstrapResult extends BootstrapStatus {
  /** True for the one call that did the bootstrap. */
  performed: boolean;
  /** The generated admin key: only on the performing call, only when no GATEWAY_BOOTSTRAP_KEY was given. */
  adminKey?: string;
}

interface BootstrapMeta extends MetaDoc {
  state: 'running' | 'done';
  owner: string;
  startedAt: Date;
  at: Date | null;
  adminKeyId: string | null;
  adminKeySource: 'env' | 'generated' | null;
  clients: BootstrapClientInfo[];
  directoryClientSecret: string | null; // sealed
  /** absent in a database bootstrapped before the Passkeys client existed */
  passkeysClientSecret?: string | null; // sealed
}

export interface BootstrapClientCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface BootstrapService {
  run(options: { bootstrapKey?: string }): Promise<BootstrapResult>;
  status(): Promise<BootstrapStatus>;
  /** What the Directory API presents to the Vault as its upstream client. */
  directoryClientCredentials(): Promise<BootstrapClientCredentials | null>;
  /** What the Passkeys API presents to the Vault for its built-in OpenID provider. */
  passkeysClientCredentials(): Promise<BootstrapClientCredentials | null>;
}

function statusOf(meta: BootstrapMeta | null): BootstrapStatus {
  return {
    bootstrapped: meta?.state === 'done',
    at: meta?.at ?? null,
    defaultTenantId: DEFAULT_TENANT_ID,
    adminKeyId: meta?.adminKeyId ?? null,
    adminKeySource: meta?.adminKeySource ?? null,
    clients: meta?.clients ?? [],
  };
}

export function createBootstrap(deps: {
  store: Store;
  tenants: TenantService;
  apiKeys: ApiKeyService;
  clients: ClientService;
  sealer: Sealer;
  clock: Clock;
  publicUrl: string;
  logger?: Logger;
}): BootstrapService {
  const { store, tenants, apiKeys, clients, sealer, clock, logger } = deps;
  const base = deps.publicUrl.replace(/\/+$/, '');
  const meta = store.meta as unknown as import('mongodb').Collection<BootstrapMeta>;
  const readMeta = () => meta.findOne({ _id: BOOTSTRAP_ID });

  /** Claims the bootstrap: a fresh insert, or the takeover of a stale one. */
  const claim = async (owner: string): Promise<boolean> => {
    const now = clock();
    try {
      await meta.insertOne({
        _id: BOOTSTRAP_ID, state: 'running', owner, startedAt: now, at: null,
        adminKeyId: null, adminKeySource: null, clients: [], directoryClientSecret: null, passkeysClientSecret: null,
      });
      return true;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const taken = await meta.updateOne(
      { _id: BOOTSTRAP_ID, state: 'running', startedAt: { $lt: new Date(now.getTime() - STALE_MS) } },
      { $set: { owner, startedAt: now } },
    );
    if (taken.modifiedCount === 1) logger?.warn('taking over a bootstrap that did not finish');
    return taken.modifiedCount === 1;
  };

  const ensureTenant = async () => {
    try {
      await tenants.create({ id: DEFAULT_TENANT_ID, name: 'Default tenant' });
    } catch (error) {
      if (!(error instanceof IdentityError && error.code === 'resource.conflict')) throw error;
    }
  };

  const ensureAdminKey = async (bootstrapKey: string | undefined, previousId: string | null) => {
    const scopes = ['*'];
    if (bootstrapKey !== undefined && bootstrapKey !== '') {
      try {
        const { key } = await apiKeys.create({ tenantId: DEFAULT_TENANT_ID, name: 'bootstrap admin', scopes, value: bootstrapKey });
        return { id: key._id, source: 'env' as const };
      } catch (error) {
        if (!(error instanceof IdentityError && error.code === 'resource.conflict')) throw error;
        // Taken over, or the same key already imported: the id derives from the value.
        const id = apiKeyIdOf(bootstrapKey);
        const existing = id === null ? null : await store.apiKeys.findOne({ _id: id, secretHash: hashSecret(bootstrapKey) });
        if (existing === null) throw error;
        return { id: existing._id, source: 'env' as const };
      }
    }
    // A taken-over bootstrap whose generated key was created but never shown: issue a new secret.
    if (previousId !== null) {
      const regenerated = await apiKeys.regenerate(DEFAULT_TENANT_ID, previousId);
      if (regenerated !== null) return { id: regenerated.key._id, source: 'generated' as const, value: regenerated.value };
    }
    const { key, value } = await apiKeys.create({ tenantId: DEFAULT_TENANT_ID, name: 'bootstrap admin', scopes });
    return { id: key._id, source: 'generated' as const, value };
  };

  const ensureClients = async (): Promise<{ infos: BootstrapClientInfo[]; directorySecret: string; passkeysSecret: string }> => {
    const directoryRedirect = `${base}/directory/api/directorysession/onauthenticated`;
    const passkeysRedirect = `${base}/fido2/v2/oidc/${PASSKEYS_BUILT_IN_PROVIDER_ID}/callback`;
    const demoRedirect = `${base}/demo/callback`;
    const directorySecret = randomSecret(32);
    const passkeysSecret = randomSecret(32);
    const specs = [
      {
        clientId: DIRECTORY_CLIENT_ID, name: 'Directory session API', type: 'confidential' as const,
        secret: directorySecret, redirectUris: [directoryRedirect], postLogoutRedirectUris: [],
      },
      {
        clientId: PASSKEYS_OIDC_CLIENT_ID, name: 'Passkeys API sign-in', type: 'confidential' as const,
        secret: passkeysSecret, redirectUris: [passkeysRedirect], postLogoutRedirectUris: [],
      },
      {
        clientId: DEMO_CLIENT_ID, name: 'Demo client', type: 'public' as const,
        redirectUris: [demoRedirect], postLogoutRedirectUris: [`${base}/demo/`],
      },
      {
        clientId: ACCOUNT_CLIENT_ID, name: 'Your account', type: 'public' as const,
        redirectUris: [`${base}/account/callback`], postLogoutRedirectUris: [`${base}/account/`],
        allowedScopes: ['openid', 'profile', 'email', 'account'],
      },
    ];
    for (const spec of specs) {
      try {
        await clients.create(DEFAULT_TENANT_ID, spec);
      } catch (error) {
        if (!(error instanceof IdentityError && error.code === 'resource.conflict')) throw error;
        // Taken over: the client exists from the first attempt; align its secret with the sealed copy.
        if (spec.secret !== undefined) {
          await store.clients.updateOne({ tenantId: DEFAULT_TENANT_ID, clientId: spec.clientId }, { $set: { secretHash: hashSecret(spec.secret), updatedAt: clock() }, ...VERSION_BUMP });
          clientWritten(store, DEFAULT_TENANT_ID, spec.clientId);
        }
      }
    }
    return {
      infos: specs.map(({ clientId, name, type, redirectUris }) => ({ clientId, name, type, redirectUris })),
      directorySecret,
      passkeysSecret,
    };
  };

  const credentialsOf = async (clientId: string, sealedOf: (m: BootstrapMeta) => string | null): Promise<BootstrapClientCredentials | null> => {
    const current = await readMeta();
    const sealed = current?.state === 'done' ? sealedOf(current) : null;
    if (sealed === null) return null;
    return { tenantId: DEFAULT_TENANT_ID, clientId, clientSecret: sealer.openText(SECRET_PURPOSE, sealed) };
  };

  const waitForDone = async (): Promise<BootstrapMeta | null> => {
    const deadline = Date.now() + WAIT_MAX_MS;
    let current = await readMeta();
    while (current?.state === 'running' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
      current = await readMeta();
    }
    return current;
  };

  return {
    async run({ bootstrapKey }) {
      const owner = randomUUID();
      if (!(await claim(owner))) {
        const status = statusOf(await waitForDone());
        // Bootstrap never runs twice, so a changed GATEWAY_BOOTSTRAP_KEY is not applied: say so.
        if (bootstrapKey && status.bootstrapped && apiKeyIdOf(bootstrapKey) !== status.adminKeyId) {
          logger?.warn('GATEWAY_BOOTSTRAP_KEY is not the key created at bootstrap and is ignored; manage admin keys through the APIs');
        }
        return { ...status, performed: false };
      }
      const previous = await readMeta();
      await ensureTenant();
      const admin = await ensureAdminKey(bootstrapKey, previous?.adminKeyId ?? null);
      await meta.updateOne({ _id: BOOTSTRAP_ID, owner }, { $set: { adminKeyId: admin.id, adminKeySource: admin.source } });
      const { infos, directorySecret, passkeysSecret } = await ensureClients();
      const done = await meta.findOneAndUpdate(
        { _id: BOOTSTRAP_ID, owner },
        {
          $set: {
            state: 'done', at: clock(), clients: infos,
            directoryClientSecret: sealer.seal(SECRET_PURPOSE, directorySecret),
            passkeysClientSecret: sealer.seal(SECRET_PURPOSE, passkeysSecret),
          },
        },
        { returnDocument: 'after' },
      );
      if (done === null) throw new Error('bootstrap was taken over by another instance while running');
      logger?.info({ adminKeyId: admin.id, adminKeySource: admin.source }, 'bootstrap done: tenant default, admin API key, directory, passkeys, demo and account clients');
      return { ...statusOf(done), performed: true, ...('value' in admin ? { adminKey: admin.value } : {}) };
    },

    async status() {
      return statusOf(await readMeta());
    },

    directoryClientCredentials: () => credentialsOf(DIRECTORY_CLIENT_ID, (m) => m.directoryClientSecret),
    passkeysClientCredentials: () => credentialsOf(PASSKEYS_OIDC_CLIENT_ID, (m) => m.passkeysClientSecret ?? null),
  };
}
