/**
 * Tenants and clients served from memory (identity/record-cache.ts) stay correct across instances:
 * two gateways on one store, one clock. A change made through one instance is seen by it at once
 * and by the other once the TTL has passed (its version check reads the record's stamp), and
 * never later; an unchanged record costs the other instance one stamp read per TTL.
 */
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { commandsDuring } from '../helpers/command-counts.ts';
import { RECORD_CACHE_TTL_MS } from '../../server/identity/cached-records.ts';
import { postForm, setupTenant } from '../vault/_oidc.ts';

let now = Date.now();
const clock = () => new Date(now);
let a: TestGateway;
let b: TestGateway;
test.before(async () => {
  a = await startTestGateway({}, { clock, monitorCommands: true });
  b = await startTestGateway({ MONGODB_URI: a.storeConnection.embedded!.uri, MONGODB_DB: a.storeConnection.db.databaseName }, { clock, monitorCommands: true });
});
test.after.always(async () => {
  await b?.stop();
  await a?.stop();
});

test.serial('a tenant changed on one instance: that instance sees it at once, the other within the TTL by its version check', async (t) => {
  const tenantId = await a.createTenant();
  t.is((await b.services.identity.tenants.get(tenantId))?.name, tenantId);
  t.deepEqual(await commandsDuring(b, () => b.services.identity.tenants.get(tenantId)), [], 'served from memory');

  await a.services.identity.tenants.update(tenantId, { name: 'renamed' });
  t.is((await a.services.identity.tenants.get(tenantId))?.name, 'renamed', 'the writing instance at once');

  now += RECORD_CACHE_TTL_MS;
  const seen = await commandsDuring(b, async () => t.is((await b.services.identity.tenants.get(tenantId))?.name, 'renamed', 'the other one once the TTL is over'));
  t.deepEqual(seen, ['find tenants', 'find tenants'], 'the stamp differed: the record is read again');

  now += RECORD_CACHE_TTL_MS;
  t.deepEqual(await commandsDuring(b, () => b.services.identity.tenants.get(tenantId)), ['find tenants'], 'unchanged: one stamp read confirms it');
  t.deepEqual(await commandsDuring(b, () => b.services.identity.tenants.get(tenantId)), [], 'then memory again for a TTL');
});

test.serial('a client secret reset on one instance stops working on the other within the TTL, over HTTP', async (t) => {
  const s = await setupTenant(a);
  const { client, secret } = await s.client({ type: 'confidential', grantTypes: ['client_credentials'], allowedScopes: ['users:read'] });
  const grant = (gw: TestGateway, clientSecret: string) =>
    postForm(`${gw.url}/api/oidc/${s.tenantId}/token/standard`, { grant_type: 'client_credentials', client_id: client.clientId, client_secret: clientSecret });
  t.is((await grant(b, secret!)).status, 200);

  const fresh = await a.services.identity.clients.resetSecret(s.tenantId, client.clientId);
  t.is((await grant(a, secret!)).status, 401, 'the old secret, on the instance that reset it');
  t.is((await grant(a, fresh!)).status, 200);

  now += RECORD_CACHE_TTL_MS;
  t.is((await grant(b, secret!)).status, 401, 'the old secret, on the other instance after the TTL');
  t.is((await grant(b, fresh!)).status, 200);
});

test.serial('cached records are frozen: a caller cannot change what the next request reads', async (t) => {
  const tenantId = await a.createTenant();
  const tenant = (await a.services.identity.tenants.get(tenantId))!;
  t.throws(() => {
    (tenant as { name: string }).name = 'changed in memory';
  });
  t.is((await a.services.identity.tenants.get(tenantId))?.name, tenantId);
});
