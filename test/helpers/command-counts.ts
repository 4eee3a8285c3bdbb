/**
 * Database commands per operation, counted with the driver's command monitoring (the gateway
 * started with `monitorCommands`): the number of round trips to the store each hot path costs.
 * Counts are deterministic, unlike timings, so a test can hold them (test/gateway/command-counts.test.ts)
 * and the bench can print them (scripts/bench/command-counts.ts).
 *
 * Each operation is prepared (tenant, user, client, credential) outside the count, run once to
 * warm what the gateway caches, then counted on a second run: the steady state a loaded instance
 * sees. `cold` is the count of the first run.
 */
import { randomUUID } from 'node:crypto';
import type { CommandStartedEvent } from 'mongodb';
import { ORG_API_KEY_SCOPE } from '../../server/identity/orgs/org-access-tokens.ts';
import type { TestGateway } from './gateway.ts';
import * as zk from './zkimg-client.ts';
import { codeFor, postForm, REDIRECT, setupTenant } from '../vault/_oidc.ts';
import { newUser, register, setVaultSettings } from '../vault/auth-helpers.ts';
import { passkeyLogin, passkeyTenant, registerPasskey, SoftwareAuthenticator, tokenFor, userWithToken } from '../vault/passkeys-helpers.ts';
import { member, vaultIdToken } from '../token-exchange/_helpers.ts';

/**
 * A clock that stands still (at the time of the call): the record caches (identity/record-cache.ts)
 * then never expire between the two runs of an operation, however slow the machine, so the counts
 * do not depend on timing.
 */
export function stillClock(): () => Date {
  const now = Date.now();
  return () => new Date(now);
}

/** The crypto core's convergence check (server/crypto.ts), every few seconds whatever the requests: no request's command. */
const isBackground = (e: CommandStartedEvent) => e.commandName === 'find' && e.command.find === 'meta' && (e.command.filter as { _id?: unknown } | undefined)?._id === 'desiredCore';

/** Runs `fn` and answers the commands the store client sent meanwhile (`find users`, `update sessions`...), background polls aside. */
export async function commandsDuring(gw: TestGateway, fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (e: CommandStartedEvent) => {
    if (isBackground(e)) return;
    const target = (e.command as Record<string, unknown>)[e.commandName];
    seen.push(typeof target === 'string' ? `${e.commandName} ${target}` : e.commandName);
  };
  gw.storeConnection.client.on('commandStarted', listener);
  try {
    await fn();
  } finally {
    gw.storeConnection.client.off('commandStarted', listener);
  }
  return seen;
}

export interface Operation {
  name: string;
  /** the most commands the steady state may send (test/gateway/command-counts.test.ts holds it) */
  budget: number;
  /** the performance goal for this row, when lower than what is reached */
  goal?: number;
  /** prepares the fixtures and answers the measured step (which throws unless it succeeded) */
  prepare(gw: TestGateway): Promise<() => Promise<unknown>>;
}

async function ok(res: Response | Promise<Response>, what: string): Promise<unknown> {
  const r = await res;
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${what} answered ${r.status}: ${text}`);
  return text;
}

const form = (url: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) });

const json = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** A tenant, a confidential client and the tokens of a code exchange (login through the continuation) for `scope`. */
async function codeExchange(gw: TestGateway, scope: string) {
  const s = await setupTenant(gw);
  const secret = 's'.repeat(40);
  const { client } = await s.client({ type: 'confidential', secret });
  const basic = { authorization: `Basic ${Buffer.from(`${client.clientId}:${secret}`).toString('base64')}` };
  const { code, verifier } = await codeFor(gw, s.issuer, s.tenantId, s.user.id, { clientId: client.clientId, scope });
  const res = await postForm(`${s.issuer}/token/standard`, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier! }, basic);
  if (res.status !== 200) throw new Error(`code exchange answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { issuer: s.issuer, basic, tokens: res.body as { access_token: string; refresh_token: string } };
}

export const OPERATIONS: Operation[] = [
  {
    name: 'bearer read (GET /api/me)',
    budget: 1,
    async prepare(gw) {
      // an access token bound to a login session, as the code exchange issues it
      const tenantId = await gw.createTenant();
      const { token } = await tokenFor(gw, tenantId, await gw.createUser(tenantId));
      return () => ok(fetch(`${gw.url}/api/me`, { headers: { authorization: `Bearer ${token}` } }), 'GET /api/me');
    },
  },
  {
    name: 'API-key read (GET /api/me)',
    budget: 1,
    async prepare(gw) {
      const user = await gw.createUser('default');
      const { value } = await gw.createApiKey('default', [], user.id);
      return () => ok(fetch(`${gw.url}/api/me`, { headers: { 'x-api-key': value } }), 'GET /api/me');
    },
  },
  {
    name: 'discovery document',
    budget: 0,
    async prepare(gw) {
      const s = await setupTenant(gw);
      return () => ok(fetch(`${s.issuer}/.well-known/openid-configuration`), 'discovery');
    },
  },
  {
    name: 'JWKS',
    budget: 0,
    async prepare(gw) {
      const s = await setupTenant(gw);
      return () => ok(fetch(`${s.issuer}/.well-known/jwks`), 'JWKS');
    },
  },
  {
    name: 'userinfo (bearer access token)',
    budget: 1,
    async prepare(gw) {
      const { issuer, tokens } = await codeExchange(gw, 'openid email');
      return () => ok(fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } }), 'userinfo');
    },
  },
  {
    name: 'client_credentials grant',
    budget: 1,
    async prepare(gw) {
      const s = await setupTenant(gw);
      const secret = 's'.repeat(40);
      const { client } = await s.client({ type: 'confidential', secret, grantTypes: ['client_credentials'], allowedScopes: ['users:read'] });
      return () => ok(form(`${s.issuer}/token/standard`, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: secret }), 'client_credentials');
    },
  },
  {
    name: 'refresh grant',
    budget: 3,
    async prepare(gw) {
      const { issuer, basic, tokens } = await codeExchange(gw, 'openid offline_access');
      let refresh: string = tokens.refresh_token;
      return async () => {
        const r = await postForm(`${issuer}/token/standard`, { grant_type: 'refresh_token', refresh_token: refresh }, basic);
        if (r.status !== 200) throw new Error(`refresh answered ${r.status}: ${JSON.stringify(r.body)}`);
        refresh = r.body.refresh_token;
      };
    },
  },
  {
    name: 'zkimg-1 login (challenge + authenticate)',
    budget: 13,
    goal: 6,
    async prepare(gw) {
      // the default tenant: a login without an auth request acts in it
      await setVaultSettings(gw, 'default', { register_enable: true });
      const user = newUser({ username: `zk-${randomUUID().slice(0, 8)}` });
      const reg = await register(gw, user);
      if (reg.response.status !== 201) throw new Error(`register answered ${reg.response.status}`);
      return async () => {
        const c = await json(`${gw.url}/api/auth/challenge`, { username: user.username, cipherKey: user.cipherKey });
        const challenge = (await c.json()) as { challenge_data: string };
        if (c.status !== 200) throw new Error(`challenge answered ${c.status}: ${JSON.stringify(challenge)}`);
        const { body } = zk.answerChallenge({ challengeData: challenge.challenge_data, template: user.template, Y: user.enrolment.Y, username: user.username, cipherKey: user.cipherKey });
        await ok(json(`${gw.url}/api/auth/authenticate`, body), 'authenticate');
      };
    },
  },
  {
    name: 'passkey authentication (options + verify)',
    budget: 13,
    async prepare(gw) {
      const tenantId = await passkeyTenant(gw);
      const user = await userWithToken(gw, tenantId);
      const authenticator = new SoftwareAuthenticator();
      await registerPasskey(gw, user, authenticator);
      return async () => {
        const r = await passkeyLogin(gw, tenantId, user.username, authenticator);
        if (r.response.status !== 200) throw new Error(`passkey login answered ${r.response.status}: ${JSON.stringify(r.error)}`);
      };
    },
  },
  {
    name: 'token exchange getAccessToken',
    budget: 1,
    async prepare(gw) {
      const m = await member(gw);
      const idToken = await vaultIdToken(gw, m);
      return () => ok(json(`${gw.url}/authorization/v1/access-token`, { idToken }), 'getAccessToken');
    },
  },
  {
    name: 'token exchange from an API key',
    budget: 1,
    async prepare(gw) {
      const m = await member(gw);
      const { value } = await gw.services.identity.apiKeys.create({ tenantId: m.tenantId, ownerId: m.userId, name: 'count', scopes: [ORG_API_KEY_SCOPE] });
      return () => ok(json(`${gw.url}/api-key-internal/v1/access-token`, { apiKeyValue: value }), 'getAccessTokenFromApiKeyValue');
    },
  },
];

export interface Count {
  name: string;
  budget: number;
  goal?: number;
  cold: string[];
  warm: string[];
}

/** Every operation's commands, first run and steady state. */
export async function countOperations(gw: TestGateway, operations: Operation[] = OPERATIONS): Promise<Count[]> {
  const counts: Count[] = [];
  for (const op of operations) {
    const step = await op.prepare(gw);
    const cold = await commandsDuring(gw, step);
    const warm = await commandsDuring(gw, step);
    counts.push({ name: op.name, budget: op.budget, ...(op.goal !== undefined ? { goal: op.goal } : {}), cold, warm });
  }
  return counts;
}

/** `find users ×2, update sessions` */
export function summarize(commands: string[]): string {
  const tally = new Map<string, number>();
  for (const c of commands) tally.set(c, (tally.get(c) ?? 0) + 1);
  return [...tally].map(([c, n]) => (n > 1 ? `${c} ×${n}` : c)).join(', ');
}
