// Shared steps of the Vault auth tests: tenant policy, registration and zkimg-1 logins through the
// generated Vault client, with the deterministic reference client (test/helpers/zkimg-client.ts).
import { randomUUID } from 'node:crypto';
import type { TestGateway } from '../helpers/gateway.ts';
import * as zk from '../helpers/zkimg-client.ts';
import { vaultSettingsOf, type VaultSettings } from '../../server/identity/vault/tenant-settings.ts';
import { createAuthRequest } from '../../server/identity/vault/auth-requests.ts';

/** Merges `patch` into the tenant's Vault settings (through the identity core, not the API under test). */
export async function setVaultSettings(gw: TestGateway, tenantId: string, patch: VaultSettings): Promise<void> {
  const tenant = await gw.services.identity.tenants.get(tenantId);
  if (tenant === null) throw new Error(`no tenant ${tenantId}`);
  await gw.services.identity.tenants.update(tenantId, { settings: { vault: { ...vaultSettingsOf(tenant), ...patch } } });
}

/** A pending auth request of `tenantId`: login operations given its id act in that tenant. */
export async function authRequestFor(gw: TestGateway, tenantId: string): Promise<string> {
  const request = await createAuthRequest(gw.services.store, {
    tenantId,
    clientId: 'test-client',
    redirectUri: 'https://rp.example/cb',
    scope: ['openid'],
    state: 'state',
    nonce: 'nonce',
    codeChallenge: null,
    codeChallengeMethod: null,
  });
  return request._id;
}

export interface TestUser {
  username: string;
  email: string;
  cipherKey: string;
  tenantId: string;
  authReqId?: string;
  dim: [number, number];
  template: Uint8Array;
  enrolment: zk.Enrolment;
}

export function newUser(opts: { tenantId?: string; authReqId?: string; dim?: [number, number]; seed?: string; username?: string } = {}): TestUser {
  const dim = opts.dim ?? [64, 64];
  const username = opts.username ?? `user-${randomUUID().slice(0, 8)}`;
  const tenantId = opts.tenantId ?? 'default';
  const cipherKey = `pin-derived-${randomUUID()}`;
  const template = zk.templateFromSeed(dim, opts.seed ?? username);
  const enrolment = zk.enrol({ template, dim, cipherKey, tenantId, username, alg: 'seeded-test-v1' });
  return { username, email: `${username}@example.test`, cipherKey, tenantId, authReqId: opts.authReqId, dim, template, enrolment };
}

export async function register(gw: TestGateway, user: TestUser) {
  return gw.clients.anonymous.vault.POST('/auth/register', {
    params: { query: user.authReqId ? { auth_req_id: user.authReqId } : {} },
    body: zk.registerBody(user.enrolment, user.username, user.email),
  });
}

export async function registered(gw: TestGateway, opts: Parameters<typeof newUser>[0] = {}): Promise<TestUser> {
  const user = newUser(opts);
  const res = await register(gw, user);
  if (res.response.status !== 201) throw new Error(`register: ${res.response.status} ${JSON.stringify(res.error)}`);
  return user;
}

export async function challenge(gw: TestGateway, user: TestUser, cipherKey = user.cipherKey) {
  return gw.clients.anonymous.vault.POST('/auth/challenge', {
    params: { query: user.authReqId ? { auth_req_id: user.authReqId } : {} },
    body: { username: user.username, cipherKey },
  });
}

export async function authenticateBody(gw: TestGateway, user: TestUser, body: object) {
  return gw.clients.anonymous.vault.POST('/auth/authenticate', {
    params: { query: user.authReqId ? { auth_req_id: user.authReqId } : {} },
    body: body as zk.AuthenticateBody,
  });
}

/** Gets a challenge and proves with the enrolled template with `flips` code bits flipped. */
export async function prepareLogin(gw: TestGateway, user: TestUser, flips = 0, noiseSeed = 'noise') {
  const c = await challenge(gw, user);
  if (c.data === undefined) throw new Error(`challenge: ${c.response.status} ${JSON.stringify(c.error)}`);
  const fresh = zk.flip(user.template, flips, `${user.username}/${noiseSeed}`);
  return zk.answerChallenge({ challengeData: c.data.challenge_data, template: fresh, Y: user.enrolment.Y, username: user.username, cipherKey: user.cipherKey });
}

/** Moves a record's dates into the past by `ms`: time passing, for the records that expire. */
export function agoMs(date: Date | null, ms: number): Date | null {
  return date === null ? null : new Date(date.getTime() - ms);
}
