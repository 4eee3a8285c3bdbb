/**
 * The one lockout (identity/lockout/guard.ts) as each API that checks a credential meets it, from
 * one table: a per-API fixture knows how to fail a check and how its API renders the refusal.
 * For every row: the limit-th failure for a username blocks that username (the right credential
 * is refused next, with 429 and Retry-After in the API's own error shape), the failures and the
 * block are in the audit log, another username of the same tenant is untouched, and so is the
 * same address in another tenant.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { authenticateBody, authRequestFor, challenge, prepareLogin, registered as vaultRegistered, setVaultSettings } from '../vault/auth-helpers.ts';
import { newApp, registered as passkeyRegistered, signIn } from '../passkeys/_helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

const LIMIT = 3;
const BLOCK = { ip_attempts_limit: 1000, ip_attempts_reset_minutes: 60, user_attempts_limit: LIMIT, user_timeframe_seconds: 300, initial_block_seconds: 60, max_block_time_minutes: 3 };

interface Attempt {
  status: number;
  body: unknown;
  retryAfter: string | null;
}
const attempt = (res: { response: Response; error?: unknown; data?: unknown }): Attempt => ({
  status: res.response.status,
  body: res.error ?? res.data,
  retryAfter: res.response.headers.get('retry-after'),
});

/** One credential a person holds, and the ways to present it. */
interface Subject {
  fail(): Promise<Attempt>;
  succeed(): Promise<Attempt>;
}

interface Fixture {
  api: string;
  /** The audit action of a failed check. */
  action: string;
  failStatus: number;
  /** A tenant (application) with the table's lockout policy. */
  tenant(): Promise<string>;
  subject(tenantId: string): Promise<Subject>;
  /** Asserts the 429 body is the API's own error shape. */
  isBlockedShape(body: unknown): boolean;
}

async function vaultTenant(): Promise<string> {
  const tenantId = await gw.createTenant(`lock-${randomUUID().slice(0, 8)}`);
  await setVaultSettings(gw, tenantId, { register_enable: true, block_config: BLOCK });
  return tenantId;
}

/** Passkeys applications by id: the fixture's subjects need the application's clients. */
const apps = new Map<string, Awaited<ReturnType<typeof newApp>>>();

const vaultShape = (body: unknown) => typeof (body as { detail?: unknown }).detail === 'string';

const fixtures: Fixture[] = [
  {
    api: 'Vault, zkimg-1 Get Challenge (wrong cipherKey)',
    action: 'login.zkimg.challenge',
    failStatus: 401,
    tenant: vaultTenant,
    async subject(tenantId) {
      const user = await vaultRegistered(gw, { tenantId, authReqId: await authRequestFor(gw, tenantId) });
      return {
        fail: async () => attempt(await challenge(gw, user, 'wrong-cipher-key-0123456789')),
        succeed: async () => attempt(await challenge(gw, user)),
      };
    },
    isBlockedShape: vaultShape,
  },
  {
    api: 'Vault, zkimg-1 Authenticate (proof of another challenge)',
    action: 'login.zkimg',
    failStatus: 401,
    tenant: vaultTenant,
    async subject(tenantId) {
      const user = await vaultRegistered(gw, { tenantId, authReqId: await authRequestFor(gw, tenantId) });
      // The right proof is prepared before any failure: once the username is blocked, Get
      // Challenge refuses too, and the refusal to test is Authenticate's.
      const ready = await prepareLogin(gw, user);
      return {
        // A proof answering one challenge, presented with another challenge's id: the key is right,
        // the proof does not verify.
        fail: async () => {
          const [proof, other] = [await prepareLogin(gw, user), await prepareLogin(gw, user)];
          return attempt(await authenticateBody(gw, user, { ...proof.body, challenge_id: other.body.challenge_id }));
        },
        succeed: async () => attempt(await authenticateBody(gw, user, ready.body)),
      };
    },
    isBlockedShape: vaultShape,
  },
  {
    api: 'Passkeys, auth/complete (assertion for another origin)',
    action: 'loginid.auth.passkey',
    failStatus: 400,
    async tenant() {
      const app = await newApp(gw, BLOCK);
      apps.set(app.id, app);
      return app.id;
    },
    async subject(tenantId) {
      const app = apps.get(tenantId)!;
      const reg = await passkeyRegistered(gw, app);
      return {
        fail: async () => attempt(await signIn(gw, app, reg.authenticator, reg.username, { origin: 'https://evil.example' })),
        succeed: async () => attempt(await signIn(gw, app, reg.authenticator, reg.username)),
      };
    },
    isBlockedShape: (body) => (body as { msgCode?: unknown }).msgCode === 'too_many_requests' && typeof (body as { msg?: unknown }).msg === 'string',
  },
];

for (const f of fixtures) {
  test(`${f.api}: the limit-th failure blocks the username in the API's shape; other users and tenants untouched`, async (t) => {
    const tenantId = await f.tenant();
    const [victim, bystander] = [await f.subject(tenantId), await f.subject(tenantId)];
    for (let i = 1; i <= LIMIT; i++) t.is((await victim.fail()).status, f.failStatus, `failure ${i}`);

    const blocked = await victim.succeed();
    t.is(blocked.status, 429, 'the right credential is refused once blocked');
    t.true(Number(blocked.retryAfter) > 0, 'Retry-After');
    t.true(f.isBlockedShape(blocked.body), `the API's error shape: ${JSON.stringify(blocked.body)}`);

    t.true([200, 201].includes((await bystander.succeed()).status), 'another user of the tenant');
    const elsewhere = await f.subject(await f.tenant());
    t.true([200, 201].includes((await elsewhere.succeed()).status), 'the same address in another tenant');

    const audit = gw.services.store.auditLog;
    t.is(await audit.countDocuments({ tenantId, action: f.action, outcome: 'failure' }), LIMIT);
    t.is(await audit.countDocuments({ tenantId, action: 'lockout.user_blocked' }), 1);
  });
}
