// The admin CLI (`npm run admin -- <command>`) as an operator runs it: its own process, against a
// test gateway over HTTP, with GATEWAY_URL and GATEWAY_ADMIN_KEY (or --url and --key). Each command
// group does what it says and the gateway shows it; an address blocked by failed logins is
// unblocked with the CLI and logs in again, in its tenant only; a user likewise; every command has
// --help; --json parses; failures are one line with a non-zero exit code. Serial: each command is a
// Node process of its own, and one at a time keeps the machine's load (and the gateway's) even.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { freePort, startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { startProcess } from '../helpers/processes.ts';
import * as zk from '../helpers/zkimg-client.ts';
import { authRequestFor, registered, setVaultSettings, type TestUser } from '../vault/auth-helpers.ts';
import { commands } from '../../scripts/admin/commands/index.ts';
import { commandHelp, overallHelp, resolve } from '../../scripts/admin/cli.ts';
import { TITLE } from '../../scripts/admin/title.ts';
import { DEFAULT_BLOCK_CONFIG } from '../../server/identity/vault/tenant-settings.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

interface Run {
  code: number | string;
  stdout: string;
  stderr: string;
}

async function admin(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const proc = startProcess('scripts/admin.ts', args, { GATEWAY_URL: gw.url, GATEWAY_ADMIN_KEY: gw.adminKey, ...env });
  // 'close' comes after the last output; 'exit' may come before it.
  const closed = new Promise((resolve) => proc.child.once('close', resolve));
  const code = await proc.exited;
  await closed;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** Runs a command that must succeed with --json and returns its parsed output. */
async function adminJson<T = unknown>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const run = await admin([...args, '--json'], env);
  if (run.code !== 0) throw new Error(`admin ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** A failure: exit code, one line on stderr, no stack trace. */
function assertOneLineFailure(t: import('ava').ExecutionContext, run: Run, code: number, pattern: RegExp): void {
  t.is(run.code, code, run.stderr);
  t.is(run.stdout, '');
  const lines = run.stderr.trimEnd().split('\n');
  t.is(lines.length, 1, run.stderr);
  t.regex(lines[0]!, /^admin: /);
  t.regex(lines[0]!, pattern);
  t.notRegex(run.stderr, /\n\s+at |Error:/);
}

let tenants = 0;
const newTenantId = () => `cli-${process.pid}-${++tenants}`;

const WRONG = 'wrong-cipher-key-0123456789';
/** The default limits (5 failures per address, 15 per username), with blocks that outlast a slow run. */
const LONG_BLOCKS = { ...DEFAULT_BLOCK_CONFIG, initial_block_seconds: 3600, max_block_time_minutes: 120 };
const fromIp = (ip: string) => ({ headers: { 'X-Forwarded-For': ip } });

async function challengeFrom(user: TestUser, ip: string, cipherKey = user.cipherKey) {
  return gw.clients.anonymous.vault.POST('/auth/challenge', {
    params: { query: { auth_req_id: user.authReqId! } },
    body: { username: user.username, cipherKey },
    ...fromIp(ip),
  });
}

/** A whole zkimg-1 login (challenge, proof, authenticate) from `ip`: the status of authenticate, or of a refused challenge. */
async function loginFrom(user: TestUser, ip: string): Promise<number> {
  const c = await challengeFrom(user, ip);
  if (c.data === undefined) return c.response.status;
  const body = zk.answerChallenge({ challengeData: c.data.challenge_data, template: user.template, Y: user.enrolment.Y, username: user.username, cipherKey: user.cipherKey });
  const a = await gw.clients.anonymous.vault.POST('/auth/authenticate', { params: { query: { auth_req_id: user.authReqId! } }, body: body.body, ...fromIp(ip) });
  return a.response.status;
}

/** A tenant created with the CLI, self-registration on, and a registered user. */
async function tenantWithUser(): Promise<{ tenantId: string; user: TestUser }> {
  const tenantId = newTenantId();
  await adminJson(['tenants', 'create', tenantId, '--register', 'on']);
  await setVaultSettings(gw, tenantId, { block_config: LONG_BLOCKS });
  return { tenantId, user: await registered(gw, { tenantId, authReqId: await authRequestFor(gw, tenantId) }) };
}

test.serial('--help lists every command, and every command and group has its own --help', async (t) => {
  const overall = await admin(['--help']);
  t.is(overall.code, 0);
  for (const c of commands) t.regex(overall.stdout, new RegExp(`^  ${c.name} `, 'm'), `${c.name} is listed`);
  t.is(overall.stdout.trimEnd(), overallHelp(commands, TITLE));
  const bare = await admin([], { GATEWAY_ADMIN_KEY: '' });
  t.is(bare.code, 0, 'no command shows the help');
  t.is(bare.stdout, overall.stdout);

  // Every command's and group's help, through the CLI's own resolution (one process each would
  // cost a Node start per command; the two runs below show the process prints what it resolves).
  const groups = [...new Set(commands.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!))];
  for (const c of commands) {
    for (const argv of [[...c.name.split(' '), '--help'], ['-h', ...c.name.split(' ')]]) {
      const r = resolve(argv, commands, TITLE, {});
      if (r.kind !== 'help') return t.fail(`${argv.join(' ')} is not help`);
      t.true(r.text.startsWith(`usage: npm run admin -- ${c.name}`), r.text);
      t.true(r.text.includes(c.summary));
      for (const option of Object.keys(c.options ?? {})) t.true(r.text.includes(`--${option}`), `${c.name} --help shows --${option}`);
    }
  }
  for (const g of groups) {
    const r = resolve([g, '--help'], commands, TITLE, {});
    if (r.kind !== 'help') return t.fail(`${g} --help is not help`);
    for (const member of commands.filter((m) => m.name.startsWith(`${g} `))) t.true(r.text.includes(member.name), `${g} --help lists ${member.name}`);
  }
  const one = await admin(['unblock', 'ip', '--help']);
  t.is(one.code, 0);
  t.is(one.stdout.trimEnd(), commandHelp(commands.find((c) => c.name === 'unblock ip')!));
  const group = await admin(['users', '--help'], { GATEWAY_ADMIN_KEY: '' });
  t.is(group.code, 0);
  t.regex(group.stdout, /users list <tenant>[\s\S]*users delete/);
});

test.serial('tenants: create, get, list and update the registration and passkey settings; JSON and text', async (t) => {
  const tenantId = newTenantId();
  const created = await adminJson<{ tenant_id: string; display_name: string; register_enable: boolean; passkey_enabled: boolean }>(['tenants', 'create', tenantId, '--name', 'Acme Login']);
  t.like(created, { tenant_id: tenantId, display_name: 'Acme Login', register_enable: false, passkey_enabled: false });

  const updated = await adminJson(['tenants', 'update', tenantId, '--register', 'on', '--passkeys', 'on']);
  t.like(updated, { tenant_id: tenantId, display_name: 'Acme Login', register_enable: true, passkey_enabled: true });
  const read = await gw.clients.admin.vault.GET('/tenants/{tenant_id}', { params: { path: { tenant_id: tenantId } } });
  t.like(read.data, { register_enable: true, passkey_enabled: true, use_pin: true }, 'the gateway has the settings; the others are kept');

  const text = await admin(['tenants', 'get', tenantId]);
  t.is(text.code, 0);
  t.regex(text.stdout, /self-registration:\s+yes/);
  t.regex(text.stdout, /passkeys:\s+yes/);
  const list = await adminJson<{ tenant_id: string }[]>(['tenants', 'list']);
  t.true(list.some((x) => x.tenant_id === tenantId));
  const table = await admin(['tenants', 'list']);
  t.regex(table.stdout, /^TENANT\s+NAME\s+REGISTRATION\s+PASSKEYS$/m);

  assertOneLineFailure(t, await admin(['tenants', 'update', tenantId]), 2, /nothing to change/);
  assertOneLineFailure(t, await admin(['tenants', 'update', tenantId, '--register', 'maybe']), 2, /--register takes on or off/);
  assertOneLineFailure(t, await admin(['tenants', 'create', tenantId]), 1, /create tenant .*\(HTTP 409\)/);
  assertOneLineFailure(t, await admin(['tenants', 'get', 'no-such-tenant']), 1, /tenant no-such-tenant: .*not found.*\(HTTP 404\)/i);
});

test.serial('passkeys: the WebAuthn settings of a tenant, read and replaced', async (t) => {
  const tenantId = newTenantId();
  await adminJson(['tenants', 'create', tenantId]);
  const before = await adminJson<{ rpId: string; allowedOrigins: string[] }>(['passkeys', 'get', tenantId]);
  t.is(before.rpId, new URL(gw.config.publicUrl).hostname);
  const after = await adminJson(['passkeys', 'set', tenantId, '--origin', 'https://login.acme.test', '--origin', 'https://app.acme.test', '--rp-id', 'acme.test', '--rp-name', 'Acme']);
  t.like(after, { appId: tenantId, rpId: 'acme.test', rpName: 'Acme', allowedOrigins: ['https://login.acme.test', 'https://app.acme.test'] });
  t.like((await gw.clients.admin.gateway.GET('/passkeys/apps/{appId}', { params: { path: { appId: tenantId } } })).data, { rpId: 'acme.test' });
  assertOneLineFailure(t, await admin(['passkeys', 'set', tenantId, '--origin', 'https://login.acme.test', '--rp-id', 'other.test']), 1, /passkey settings of .*\(HTTP 400\)/);
});

test.serial('clients: create (secret shown once), list, update keeps what is not given', async (t) => {
  const tenantId = newTenantId();
  await adminJson(['tenants', 'create', tenantId]);
  const created = await adminJson<{ client_id: string; client_secret: string }>(['clients', 'create', tenantId, 'web', '--redirect-uri', 'https://rp.test/cb', '--name', 'Web']);
  t.is(created.client_id, 'web');
  t.regex(created.client_secret, /.{20,}/, 'a confidential client gets a generated secret, shown once');
  const pub = await admin(['clients', 'create', tenantId, 'spa', '--public', '--redirect-uri', 'https://spa.test/cb']);
  t.is(pub.code, 0, pub.stderr);
  t.regex(pub.stdout, /type:\s+public/);
  t.notRegex(pub.stdout, /secret/);

  await adminJson(['clients', 'update', tenantId, 'web', '--scope', 'openid', '--scope', 'email']);
  const listed = await adminJson<{ client_id: string; name: string; redirect_uris: string[]; allowed_scopes: string[]; client_secret: null }[]>(['clients', 'list', tenantId]);
  t.like(listed.find((c) => c.client_id === 'web'), { name: 'Web', redirect_uris: ['https://rp.test/cb'], allowed_scopes: ['openid', 'email'], client_secret: null });
  t.deepEqual(listed.map((c) => c.client_id).sort(), ['spa', 'web']);
  assertOneLineFailure(t, await admin(['clients', 'create', tenantId, 'x']), 2, /--redirect-uri/);
  assertOneLineFailure(t, await admin(['clients', 'update', tenantId, 'nope', '--name', 'N']), 1, /client nope: not found/);
});

test.serial('users: create, get by id or username, update, list, delete', async (t) => {
  const tenantId = newTenantId();
  await adminJson(['tenants', 'create', tenantId]);
  const alice = await adminJson<{ user_id: string; username: string }>(['users', 'create', tenantId, 'alice', '--email', 'alice@example.test']);
  t.is(alice.username, 'alice');
  t.like(await adminJson(['users', 'get', tenantId, alice.user_id]), { username: 'alice', email: 'alice@example.test' });
  t.like(await adminJson(['users', 'update', tenantId, 'alice', '--disabled', 'on', '--email', 'a@example.test']), { user_id: alice.user_id, is_disabled: true, email: 'a@example.test' });
  t.like((await gw.services.identity.users.get(tenantId, alice.user_id)), { disabled: true });
  const bob = await adminJson<{ user_id: string }>(['users', 'create', tenantId, 'bob', '--email', 'bob@example.test']);
  const page = await adminJson<{ data: { username: string }[]; total_count: number }>(['users', 'list', tenantId]);
  t.is(page.total_count, 2);
  t.deepEqual(await adminJson(['users', 'delete', tenantId, 'alice', 'bob']), { deleted: [alice.user_id, bob.user_id] });
  t.is(await gw.services.identity.users.get(tenantId, alice.user_id), null);
  assertOneLineFailure(t, await admin(['users', 'get', tenantId, 'alice']), 1, /user alice: no user with this id or username/);
  assertOneLineFailure(t, await admin(['users', 'create', tenantId, 'carol']), 2, /--email is required/);
});

test.serial('keys: a created key works with the scopes asked, list shows no secret, regenerate retires the old secret', async (t) => {
  const tenantId = newTenantId();
  await adminJson(['tenants', 'create', tenantId]);
  const key = await adminJson<{ key_id: string; api_key: string; scopes: string[] }>(['keys', 'create', tenantId, '--name', 'provisioning', '--scope', 'USER:READ']);
  t.deepEqual(key.scopes, ['users:read']);
  const asKey = (value: string) => admin(['users', 'list', tenantId], { GATEWAY_ADMIN_KEY: value });
  t.is((await asKey(key.api_key)).code, 0, 'the new key reads users');
  assertOneLineFailure(t, await admin(['clients', 'list', tenantId], { GATEWAY_ADMIN_KEY: key.api_key }), 1, /may not do that.*\(HTTP 403\)/);

  const listed = await admin(['keys', 'list', tenantId]);
  t.is(listed.code, 0);
  t.regex(listed.stdout, new RegExp(`^${key.key_id}\\s+provisioning\\s+\\(tenant\\)\\s+yes\\s+users:read$`, 'm'));
  t.false(listed.stdout.includes(key.api_key));

  const regenerated = await adminJson<{ key_id: string; api_key: string }>(['keys', 'regenerate', key.key_id]);
  t.is(regenerated.key_id, key.key_id);
  t.not(regenerated.api_key, key.api_key);
  assertOneLineFailure(t, await asKey(key.api_key), 1, /does not know this API key.*\(HTTP 401\)/);
  t.is((await asKey(regenerated.api_key)).code, 0);
});

test.serial('unblock ip: an address blocked by failed logins logs in again in its tenant; the same address stays blocked in another tenant', async (t) => {
  const a = await tenantWithUser();
  const b = await tenantWithUser();
  const ip = '198.51.100.23';
  // The default policy blocks an address after 5 failures (block_config.ip_attempts_limit).
  for (const { user } of [a, b]) {
    for (let i = 0; i < 5; i++) t.is((await challengeFrom(user, ip, WRONG)).response.status, 401);
    t.is(await loginFrom(user, ip), 429, 'blocked, even with the right key');
  }
  const listed = await adminJson<{ ips: { ip: string }[]; users: unknown[] }>(['blocks', 'list', a.tenantId]);
  t.deepEqual(listed.ips.map((x) => x.ip), [ip]);
  t.deepEqual(listed.users, []);
  const text = await admin(['blocks', 'list', a.tenantId]);
  t.regex(text.stdout, new RegExp(`Blocked addresses:\\nADDRESS\\s+SINCE\\s+FOR \\(S\\)\\n${ip.replace(/\./g, '\\.')}\\s`));

  const unblocked = await admin(['unblock', 'ip', a.tenantId, ip]);
  t.is(unblocked.code, 0, unblocked.stderr);
  t.is(unblocked.stdout.trim(), `Unblocked ${ip} in tenant ${a.tenantId}`);
  t.is(await loginFrom(a.user, ip), 200, 'the address logs in again');
  t.is(await loginFrom(b.user, ip), 429, 'the other tenant still blocks the address');
  t.is((await adminJson<{ ips: unknown[] }>(['blocks', 'list', b.tenantId])).ips.length, 1);
  t.truthy(await gw.services.store.db.collection('auditLog').findOne({ tenantId: a.tenantId, action: 'lockout.ip_unblocked', target: ip }), 'audited');

  assertOneLineFailure(t, await admin(['unblock', 'ip', a.tenantId, ip]), 1, /is not blocked in tenant .*\(HTTP 404\)/);
  // A key of tenant A cannot unblock the address in tenant B.
  const keyA = await gw.createApiKey(a.tenantId, ['tenants:read', 'tenants:write']);
  assertOneLineFailure(t, await admin(['unblock', 'ip', b.tenantId, ip], { GATEWAY_ADMIN_KEY: keyA.value }), 1, /another tenant.*\(HTTP 403\)/);
  t.is(await loginFrom(b.user, ip), 429);
  // Reading blocks is not enough to lift one.
  const reader = await gw.createApiKey(b.tenantId, ['tenants:read']);
  t.is((await admin(['blocks', 'list', b.tenantId], { GATEWAY_ADMIN_KEY: reader.value })).code, 0);
  assertOneLineFailure(t, await admin(['unblock', 'ip', b.tenantId, ip], { GATEWAY_ADMIN_KEY: reader.value }), 1, /\(HTTP 403\)/);
});

test.serial('unblock user: a user blocked by failed logins logs in again, by username or id; another tenant\'s block stays', async (t) => {
  const a = await tenantWithUser();
  const b = await tenantWithUser();
  // The default policy blocks a username after 15 failures; spread over addresses so no address is blocked.
  for (const { user } of [a, b]) {
    for (let i = 0; i < 15; i++) t.is((await challengeFrom(user, `192.0.2.${i + 1}`, WRONG)).response.status, 401);
    t.is(await loginFrom(user, '192.0.2.200'), 429);
  }
  const listed = await adminJson<{ users: { username: string }[] }>(['blocks', 'list', a.tenantId]);
  t.deepEqual(listed.users.map((u) => u.username), [a.user.username]);

  const run = await admin(['unblock', 'user', a.tenantId, a.user.username]);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, new RegExp(`^Unblocked ${a.user.username} \\(\\S+\\) in tenant ${a.tenantId}`));
  t.is(await loginFrom(a.user, '192.0.2.200'), 200, 'the user logs in again');
  t.is(await loginFrom(b.user, '192.0.2.200'), 429, 'the other tenant\'s user is still blocked');

  const bId = (await gw.services.identity.users.getByUsername(b.tenantId, b.user.username))!._id;
  // The name exists only in tenant B: tenant A has no such user to unblock.
  assertOneLineFailure(t, await admin(['unblock', 'user', a.tenantId, bId]), 1, /no user with this id or username in tenant/);
  t.like(await adminJson(['unblock', 'user', b.tenantId, bId]), { user_id: bId, unblocked: true });
  t.is(await loginFrom(b.user, '192.0.2.200'), 200);
  assertOneLineFailure(t, await admin(['unblock', 'user', b.tenantId, bId]), 1, /is not blocked.*\(HTTP 404\)/);
});

test.serial('core: status and history as text and JSON; a module that is not a core is refused with one line', async (t) => {
  const status = await adminJson<{ active: { sha256: string }; onReference: boolean }>(['core', 'status']);
  const served = (await gw.clients.admin.gateway.GET('/core')).data!;
  t.deepEqual(status, JSON.parse(JSON.stringify(served)));
  const text = await admin(['core', 'status']);
  t.regex(text.stdout, /^active:\s+\S+/m);
  const history = await adminJson<{ events: unknown[] }>(['core', 'history', '--limit', '3']);
  t.true(Array.isArray(history.events) && history.events.length <= 3);
  assertOneLineFailure(t, await admin(['core', 'history', '0']), 2, /integer from 1 to 500/);
  assertOneLineFailure(t, await admin(['core', 'swap', 'package.json']), 1, /swap to package\.json: .*\(HTTP 4\d\d\)/);
  assertOneLineFailure(t, await admin(['core', 'swap', 'no-such-file.wasm']), 1, /cannot read no-such-file\.wasm: ENOENT/);
  t.deepEqual((await gw.clients.admin.gateway.GET('/core')).data!.active, served.active, 'the serving core is unchanged');
});

test.serial('failures: wrong key, no key, unreachable gateway, unknown commands and options; --url and --key flags win over the environment', async (t) => {
  assertOneLineFailure(t, await admin(['tenants', 'list'], { GATEWAY_ADMIN_KEY: 'gk_wrong' }), 1, /the gateway does not know this API key \(check GATEWAY_ADMIN_KEY or --key\).*\(HTTP 401\)/);
  assertOneLineFailure(t, await admin(['tenants', 'list'], { GATEWAY_ADMIN_KEY: '' }), 2, /no API key: set GATEWAY_ADMIN_KEY or pass --key/);
  const closedPort = await freePort();
  assertOneLineFailure(t, await admin(['tenants', 'list', '--url', `http://127.0.0.1:${closedPort}`]), 1, new RegExp(`cannot reach the gateway at http://127\\.0\\.0\\.1:${closedPort}: ECONNREFUSED`));
  assertOneLineFailure(t, await admin(['frobnicate']), 2, /unknown command "frobnicate"/);
  assertOneLineFailure(t, await admin(['tenants']), 2, /tenants needs an action: list, get, create, update/);
  assertOneLineFailure(t, await admin(['tenants', 'list', '--bogus']), 2, /Unknown option '--bogus'/);
  assertOneLineFailure(t, await admin(['tenants', 'get']), 2, /usage: npm run admin -- tenants get <tenant>/);
  assertOneLineFailure(t, await admin(['tenants', 'list', '--url', 'localhost:8080']), 2, /must be http\(s\):\/\/host/);

  const flags = await admin(['--url', gw.url, '--key', gw.adminKey, 'tenants', 'list', '--json'], { GATEWAY_URL: `http://127.0.0.1:${closedPort}`, GATEWAY_ADMIN_KEY: 'gk_wrong' });
  t.is(flags.code, 0, flags.stderr);
  t.true(Array.isArray(JSON.parse(flags.stdout)));
});

test.serial('the README\'s Admin CLI examples run as written', async (t) => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('\n## Admin CLI\n');
  t.true(start >= 0, 'README has an Admin CLI section');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const lines = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n')).filter((l) => l.startsWith('npm run admin -- '));
  t.true(lines.length >= 8, lines.join('\n'));
  // The examples name the tenant `acme`; the address and the user they unblock are blocked here first.
  const store = gw.services.store;
  for (const line of lines) {
    if (/unblock (ip|user) acme/.test(line)) await setVaultSettings(gw, 'acme', { block_config: LONG_BLOCKS });
    if (/unblock ip acme (\S+)/.test(line)) {
      const ip = line.match(/unblock ip acme (\S+)/)![1]!;
      const user = await registered(gw, { tenantId: 'acme', authReqId: await authRequestFor(gw, 'acme') });
      for (let i = 0; i < 5; i++) await challengeFrom(user, ip, WRONG);
      t.is((await store.loginLockouts.countDocuments({ tenantId: 'acme', kind: 'ip', subject: ip, blockedUntil: { $gt: new Date() } })), 1);
    }
    if (/unblock user acme (\S+)/.test(line)) {
      // 15 failures of the username (the default limit), from addresses of their own.
      const username = line.match(/unblock user acme (\S+)/)![1]!;
      const authReqId = await authRequestFor(gw, 'acme');
      for (let i = 0; i < 15; i++) await challengeFrom({ username, authReqId } as TestUser, `192.0.2.${100 + i}`, WRONG);
      t.is((await store.loginLockouts.countDocuments({ tenantId: 'acme', kind: 'user', userId: { $type: 'string' }, blockedUntil: { $gt: new Date() } })), 1);
    }
    const args = line.slice('npm run admin -- '.length).match(/'[^']*'|\S+/g)!.map((a) => a.replace(/^'|'$/g, ''));
    const run = await admin(args);
    t.is(run.code, 0, `${line}: ${run.stderr}`);
  }
});
