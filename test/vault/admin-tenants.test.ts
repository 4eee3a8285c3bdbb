/**
 * Vault tenants through the API: create with the spec's defaults, read, list (platform admin sees
 * all, a tenant key only its own), update (is_2fa and the zkimg policy kept, null sections kept),
 * duplicate and malformed ids, scopes, and another tenant's settings out of reach.
 */
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { loose, uniqueId, vaultWithKey } from './admin-helpers.ts';
import type { components } from '../../generated/secrets-vault/schema.ts';

const tb = loose<components['schemas']['Tenant']>;
const tu = loose<components['schemas']['TenantUpdate']>;

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(async () => {
  await gw?.stop();
});

test('createTenant fills in every default of the spec, and readTenant returns them', async (t) => {
  const id = uniqueId('t');
  const created = await gw.clients.admin.vault.POST('/tenants', { body: tb({ tenant_id: id }) });
  t.is(created.response.status, 201);
  t.is(created.data, null);
  const read = await gw.clients.admin.vault.GET('/tenants/{tenant_id}', { params: { path: { tenant_id: id } } });
  t.is(read.response.status, 200);
  t.deepEqual(read.data, {
    tenant_id: id,
    register_enable: false,
    is_2fa: false,
    use_pin: true,
    pin_size: 6,
    use_pattern: true,
    patter_size: 3,
    use_face_recognition: false,
    use_liveness: false,
    display_name: '',
    show_pin_when_typing: true,
    login_order: ['PIN'],
    passkey_enabled: false,
    has_username_and_email: true,
    block_config: {
      ip_attempts_limit: 5,
      ip_attempts_reset_minutes: 10080,
      user_attempts_limit: 15,
      user_timeframe_seconds: 300,
      initial_block_seconds: 60,
      max_block_time_minutes: 2880,
    },
    liveness_config: {
      number_steps_min: 4,
      number_steps_max: 6,
      duration_in_seconds: 10,
      number_of_allowed_failures: 1,
      gesture_set: [],
      number_blinks_max: 0,
      number_blinks_min: 10000,
    },
  });
  // Stored under settings.vault with the zkimg policy defaults beside the spec's fields.
  const doc = await gw.services.identity.tenants.get(id);
  const vault = doc?.settings.vault as Record<string, unknown>;
  t.deepEqual(vault.zkimg, { max_ber: 0.25, verify_ber: 0.15 });
  t.is(vault.pin_size, 6);
  const audit = await gw.services.store.auditLog.findOne({ tenantId: id, action: 'tenant.create' });
  t.is(audit?.outcome, 'success');
  t.is(audit?.actorType, 'api_key');
});

test('createTenant keeps given values, merges a partial block_config with the defaults, and names the tenant', async (t) => {
  const id = uniqueId('t');
  const r = await gw.clients.admin.vault.POST('/tenants', {
    body: tb({ tenant_id: id, is_2fa: true, pin_size: 8, display_name: 'Acme', login_order: ['PATTERN', 'PIN'], block_config: { ip_attempts_limit: 9 } }),
  });
  t.is(r.response.status, 201);
  const read = await gw.clients.admin.vault.GET('/tenants/{tenant_id}', { params: { path: { tenant_id: id } } });
  t.is(read.data?.is_2fa, true);
  t.is(read.data?.pin_size, 8);
  t.deepEqual(read.data?.login_order, ['PATTERN', 'PIN']);
  t.is(read.data?.block_config?.ip_attempts_limit, 9);
  t.is(read.data?.block_config?.user_attempts_limit, 15);
  t.is((await gw.services.identity.tenants.get(id))?.name, 'Acme');
});

test('a duplicate tenant id is 409 and an id outside the pattern is 422, both in the Vault shape', async (t) => {
  const id = uniqueId('t');
  t.is((await gw.clients.admin.vault.POST('/tenants', { body: tb({ tenant_id: id }) })).response.status, 201);
  const dup = await gw.clients.admin.vault.POST('/tenants', { body: tb({ tenant_id: id }) });
  t.is(dup.response.status, 409);
  t.regex(String((dup.error as { detail: string }).detail), /already exists/);
  for (const bad of ['has space', '-leading', 'a/b', 'x'.repeat(65), '']) {
    const r = await gw.clients.admin.vault.POST('/tenants', { body: tb({ tenant_id: bad }) });
    t.is(r.response.status, 422, bad);
    const detail = (r.error as { detail: { loc: unknown[] }[] }).detail;
    t.deepEqual(detail[0]?.loc, ['body', 'tenant_id']);
  }
});

test('a non-positive lockout number is refused (422), so a tenant cannot lock everyone out by mistake', async (t) => {
  const r = await gw.clients.admin.vault.POST('/tenants', { body: tb({ tenant_id: uniqueId('t'), block_config: { user_attempts_limit: 0 } }) });
  t.is(r.response.status, 422);
  t.deepEqual((r.error as { detail: { loc: unknown[] }[] }).detail[0]?.loc, ['body', 'block_config', 'user_attempts_limit']);
});

test('updateTenant replaces the toggles, keeps is_2fa, the zkimg policy and null sections', async (t) => {
  const id = uniqueId('t');
  await gw.clients.admin.vault.POST('/tenants', { body: tb({ tenant_id: id, is_2fa: true, use_pattern: false, block_config: { ip_attempts_limit: 7 }, login_order: ['PATTERN'] }) });
  const up = await gw.clients.admin.vault.PUT('/tenants/{tenant_id}', {
    params: { path: { tenant_id: id } },
    body: tu({ display_name: 'Renamed', passkey_enabled: true, block_config: null, login_order: null }),
  });
  t.is(up.response.status, 200);
  t.is(up.data, null);
  const read = await gw.clients.admin.vault.GET('/tenants/{tenant_id}', { params: { path: { tenant_id: id } } });
  t.is(read.data?.display_name, 'Renamed');
  t.is(read.data?.passkey_enabled, true);
  t.is(read.data?.is_2fa, true, 'is_2fa is not part of TenantUpdate');
  t.is(read.data?.use_pattern, true, 'a toggle left out of the replacement takes the default');
  t.is(read.data?.block_config?.ip_attempts_limit, 7, 'null block_config keeps the current one');
  t.deepEqual(read.data?.login_order, ['PATTERN'], 'null login_order keeps the current one');
  const vault = (await gw.services.identity.tenants.get(id))?.settings.vault as Record<string, unknown>;
  t.deepEqual(vault.zkimg, { max_ber: 0.25, verify_ber: 0.15 });

  const again = await gw.clients.admin.vault.PUT('/tenants/{tenant_id}', {
    params: { path: { tenant_id: id } },
    body: tu({ display_name: 'Renamed', block_config: { ip_attempts_limit: 3, initial_block_seconds: 30 } }),
  });
  t.is(again.response.status, 200);
  const read2 = await gw.clients.admin.vault.GET('/tenants/{tenant_id}', { params: { path: { tenant_id: id } } });
  t.is(read2.data?.block_config?.ip_attempts_limit, 3);
  t.is(read2.data?.block_config?.initial_block_seconds, 30);
  t.is(read2.data?.block_config?.max_block_time_minutes, 2880);
});

test('updateTenant without display_name is 422; an unknown tenant is 404 for read and update', async (t) => {
  const id = uniqueId('t');
  await gw.clients.admin.vault.POST('/tenants', { body: tb({ tenant_id: id }) });
  const missing = await gw.clients.admin.vault.PUT('/tenants/{tenant_id}', { params: { path: { tenant_id: id } }, body: tu({}) });
  t.is(missing.response.status, 422);
  const ghost = uniqueId('ghost');
  t.is((await gw.clients.admin.vault.GET('/tenants/{tenant_id}', { params: { path: { tenant_id: ghost } } })).response.status, 404);
  t.is((await gw.clients.admin.vault.PUT('/tenants/{tenant_id}', { params: { path: { tenant_id: ghost } }, body: tu({ display_name: 'x' }) })).response.status, 404);
});

test('readTenants: the platform admin sees every tenant, a tenant key only its own', async (t) => {
  const a = uniqueId('ta');
  const b = uniqueId('tb');
  await gw.clients.admin.vault.POST('/tenants', { body: tb({ tenant_id: a }) });
  await gw.clients.admin.vault.POST('/tenants', { body: tb({ tenant_id: b }) });
  const all = await gw.clients.admin.vault.GET('/tenants');
  t.is(all.response.status, 200);
  const ids = all.data!.tenants.map((x) => x.tenant_id);
  t.true(ids.includes(a) && ids.includes(b) && ids.includes('default'));

  const { value } = await gw.createApiKey(a, ['tenants:read']);
  const own = await vaultWithKey(gw, value).GET('/tenants');
  t.is(own.response.status, 200);
  t.deepEqual(own.data!.tenants.map((x) => x.tenant_id), [a]);
});

test('scopes: createTenant needs tenants:admin, reads need tenants:read, update needs tenants:write', async (t) => {
  const a = uniqueId('ta');
  await gw.clients.admin.vault.POST('/tenants', { body: tb({ tenant_id: a }) });
  const tenantAdmin = vaultWithKey(gw, (await gw.createApiKey(a, ['tenants:read', 'tenants:write'])).value);
  const create = await tenantAdmin.POST('/tenants', { body: tb({ tenant_id: uniqueId('t') }) });
  t.is(create.response.status, 403);
  t.regex((create.error as { detail: string }).detail, /tenants:admin/);

  const noScope = vaultWithKey(gw, (await gw.createApiKey(a, ['users:read'])).value);
  t.is((await noScope.GET('/tenants')).response.status, 403);
  t.is((await noScope.GET('/tenants/{tenant_id}', { params: { path: { tenant_id: a } } })).response.status, 403);
  t.is((await noScope.PUT('/tenants/{tenant_id}', { params: { path: { tenant_id: a } }, body: tu({ display_name: 'x' }) })).response.status, 403);

  const readOnly = vaultWithKey(gw, (await gw.createApiKey(a, ['tenants:read'])).value);
  t.is((await readOnly.GET('/tenants/{tenant_id}', { params: { path: { tenant_id: a } } })).response.status, 200);
  t.is((await readOnly.PUT('/tenants/{tenant_id}', { params: { path: { tenant_id: a } }, body: tu({ display_name: 'x' }) })).response.status, 403);
  t.is((await tenantAdmin.PUT('/tenants/{tenant_id}', { params: { path: { tenant_id: a } }, body: tu({ display_name: 'mine' }) })).response.status, 200);

  t.is((await gw.clients.anonymous.vault.GET('/tenants')).response.status, 401);
});

test('attack: a key of tenant B can neither read nor change tenant A\'s settings', async (t) => {
  const a = uniqueId('ta');
  const b = uniqueId('tb');
  await gw.clients.admin.vault.POST('/tenants', { body: tb({ tenant_id: a, display_name: 'A' }) });
  await gw.clients.admin.vault.POST('/tenants', { body: tb({ tenant_id: b }) });
  const keyB = vaultWithKey(gw, (await gw.createApiKey(b, ['tenants:read', 'tenants:write'])).value);
  t.is((await keyB.GET('/tenants/{tenant_id}', { params: { path: { tenant_id: a } } })).response.status, 403);
  const write = await keyB.PUT('/tenants/{tenant_id}', { params: { path: { tenant_id: a } }, body: tu({ display_name: 'pwned', register_enable: true }) });
  t.is(write.response.status, 403);
  const listed = await keyB.GET('/tenants');
  t.false(JSON.stringify(listed.data).includes(a));
  const read = await gw.clients.admin.vault.GET('/tenants/{tenant_id}', { params: { path: { tenant_id: a } } });
  t.is(read.data?.display_name, 'A');
  t.is(read.data?.register_enable, false);
});
