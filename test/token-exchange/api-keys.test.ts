// This API's keys (identity-core API keys with the scope `token-exchange`): listing with every
// flag and page by page, page tokens that do not cross listings, revocation rights, and exchange
// after revocation and expiry.
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { member, signedIn, type Member } from './_helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

type Client = Awaited<ReturnType<typeof signedIn>>['client'];
interface ListBody {
  includeDeleted?: boolean;
  includeExpired?: boolean;
  pageSize?: number;
  nextPageToken?: string;
}
const list = (client: Client, which: 'org' | 'user', body: ListBody) =>
  client.POST(which === 'org' ? '/authorization/v1/api-keys/org' : '/authorization/v1/api-keys/user', { body: body as never });

async function create(client: Client, name: string, expiresAfterDays?: number) {
  const res = await client.POST('/authorization/v1/api-key', { body: { apiKeyName: name, ...(expiresAfterDays ? { expiresAfterDays } : {}) } });
  if (res.data === undefined) throw new Error(`createApiKey: ${res.response.status} ${JSON.stringify(res.error)}`);
  return res.data;
}

/** Moves a key's expiry into the past, as time passing would. */
async function expire(keyRid: string) {
  const id = keyRid.split('.').pop()!;
  await gw.services.store.apiKeys.updateOne({ _id: id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
}

/** Every page of a listing, following nextPageToken. */
async function allPages(client: Client, which: 'org' | 'user', body: ListBody) {
  const names: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const res = await list(client, which, { ...body, ...(token ? { nextPageToken: token } : {}) });
    if (res.data === undefined) throw new Error(`list: ${res.response.status} ${JSON.stringify(res.error)}`);
    names.push(...res.data.apiKeys.map((k) => k.apiKeyName));
    token = res.data.nextPageToken;
    pages++;
  } while (token);
  return { names, pages };
}

async function orgWithKeys() {
  const admin = await member(gw, { admin: true });
  const alice = await member(gw, { tenantId: admin.tenantId });
  const adminSession = await signedIn(gw, admin);
  const aliceSession = await signedIn(gw, alice);
  // alice: live, expiring, revoked, expired; admin: one live key
  const live = await create(aliceSession.client, 'a-live');
  const later = await create(aliceSession.client, 'a-expires-later', 30);
  const revoked = await create(aliceSession.client, 'a-revoked');
  const expired = await create(aliceSession.client, 'a-expired', 1);
  await create(adminSession.client, 'admin-live');
  await aliceSession.client.PUT('/authorization/v1/api-key/{rid}/delete', { params: { path: { rid: revoked.apiKeyMetadata.rid } } });
  await expire(expired.apiKeyMetadata.rid);
  return { admin, alice, adminSession, aliceSession, keys: { live, later, revoked, expired } };
}

test('listings: flags include revoked and expired keys, newest first; org listing is for administrators', async (t) => {
  const { adminSession, aliceSession } = await orgWithKeys();
  const names = async (client: Client, which: 'org' | 'user', body: ListBody) => (await allPages(client, which, body)).names;
  t.deepEqual(await names(aliceSession.client, 'user', {}), ['a-expires-later', 'a-live']);
  t.deepEqual(await names(aliceSession.client, 'user', { includeDeleted: true }), ['a-revoked', 'a-expires-later', 'a-live']);
  t.deepEqual(await names(aliceSession.client, 'user', { includeExpired: true }), ['a-expired', 'a-expires-later', 'a-live']);
  t.deepEqual(await names(aliceSession.client, 'user', { includeDeleted: true, includeExpired: true }), ['a-expired', 'a-revoked', 'a-expires-later', 'a-live']);
  t.deepEqual(await names(adminSession.client, 'org', {}), ['admin-live', 'a-expires-later', 'a-live']);
  t.deepEqual(await names(adminSession.client, 'org', { includeDeleted: true, includeExpired: true }), ['admin-live', 'a-expired', 'a-revoked', 'a-expires-later', 'a-live']);
  const flagged = await list(aliceSession.client, 'user', { includeDeleted: true });
  t.true(flagged.data!.apiKeys.find((k) => k.apiKeyName === 'a-revoked')!.isDeleted);

  const notAdmin = await list(aliceSession.client, 'org', {});
  t.is(notAdmin.response.status, 403);
  t.is(notAdmin.error?.errorName, 'Authorization:NotAuthorizedAdmin');
});

test('paging: every page size gives every key once, in order', async (t) => {
  const m = await member(gw);
  const { client } = await signedIn(gw, m);
  for (let i = 0; i < 7; i++) await create(client, `k${i}`);
  const expected = ['k6', 'k5', 'k4', 'k3', 'k2', 'k1', 'k0'];
  for (const pageSize of [1, 2, 3, 7, 100]) {
    const { names, pages } = await allPages(client, 'user', { pageSize });
    t.deepEqual(names, expected, `pageSize ${pageSize}`);
    t.is(pages, Math.max(1, Math.ceil(7 / pageSize)), `pageSize ${pageSize}`);
  }
  const tooBig = await list(client, 'user', { pageSize: 1001 });
  t.is(tooBig.response.status, 400);
});

test('page tokens cannot be replayed in another org, another user\'s listing, or forged', async (t) => {
  const a = await orgWithKeys();
  const b = await orgWithKeys();
  const first = await list(a.adminSession.client, 'org', { pageSize: 1 });
  const token = first.data!.nextPageToken!;
  t.truthy(token);
  // the same token in org B's listing (B's admin) is refused, not read
  const crossOrg = await list(b.adminSession.client, 'org', { pageSize: 1, nextPageToken: token });
  t.is(crossOrg.response.status, 400);
  t.is(crossOrg.error?.errorName, 'Default:InvalidArgument');
  // org listing token in a user listing, and a user's token for another user of the same org
  t.is((await list(a.adminSession.client, 'user', { nextPageToken: token })).response.status, 400);
  const aliceToken = (await list(a.aliceSession.client, 'user', { pageSize: 1 })).data!.nextPageToken!;
  t.is((await list(a.adminSession.client, 'user', { nextPageToken: aliceToken })).response.status, 400);
  // edited or made-up tokens
  const flipped = token.slice(0, -2) + (token.endsWith('A') ? 'BB' : 'AA');
  for (const forged of [flipped, 'v1.AAAA', 'eyJvZmZzZXQiOjUwfQ', Buffer.from(JSON.stringify({ b: 'x' })).toString('base64url')]) {
    t.is((await list(a.adminSession.client, 'org', { nextPageToken: forged })).response.status, 400, forged);
  }
  // and the genuine token still works where it belongs
  t.is((await list(a.adminSession.client, 'org', { pageSize: 1, nextPageToken: token })).response.status, 200);
});

test('revocation: by the creator, by an org administrator; a stranger of the org is refused; another org\'s key is not found', async (t) => {
  const { alice, admin, aliceSession, adminSession } = await orgWithKeys();
  const bob = await member(gw, { tenantId: alice.tenantId });
  const bobSession = await signedIn(gw, bob);
  const outsider = await member(gw, { admin: true });
  const outsiderSession = await signedIn(gw, outsider);
  const revoke = (client: Client, rid: string) => client.PUT('/authorization/v1/api-key/{rid}/delete', { params: { path: { rid } } });

  const byCreator = await create(aliceSession.client, 'by-creator');
  const byAdmin = await create(aliceSession.client, 'by-admin');
  const stranger = await revoke(bobSession.client, byAdmin.apiKeyMetadata.rid);
  t.is(stranger.response.status, 403);
  t.is(stranger.error?.errorName, 'Authorization:NotAuthorized');
  const otherOrg = await revoke(outsiderSession.client, byAdmin.apiKeyMetadata.rid);
  t.is(otherOrg.response.status, 404);
  t.like(otherOrg.error, { errorName: 'Authorization:ApiKeyNotFound', parameters: { rid: byAdmin.apiKeyMetadata.rid } });

  t.is((await revoke(aliceSession.client, byCreator.apiKeyMetadata.rid)).response.status, 204);
  t.is((await revoke(adminSession.client, byAdmin.apiKeyMetadata.rid)).response.status, 204);
  t.is((await revoke(adminSession.client, byAdmin.apiKeyMetadata.rid)).response.status, 204, 'revoking twice changes nothing');
  const unknown = await revoke(aliceSession.client, 'ri.authn.gateway.api-key.000000000000000000000000');
  t.is(unknown.error?.errorName, 'Authorization:ApiKeyNotFound');
  const malformed = await revoke(aliceSession.client, 'not-a-rid');
  t.is(malformed.response.status, 400);

  // a Vault API key of the same user (not this API's) is not this API's to revoke, nor to exchange
  const vaultKey = await gw.services.identity.apiKeys.create({ tenantId: alice.tenantId, ownerId: alice.userId, scopes: ['account'] });
  t.is((await revoke(aliceSession.client, `ri.authn.gateway.api-key.${vaultKey.key._id}`)).response.status, 404);
  const exchanged = await gw.clients.anonymous.tokenExchange.POST('/api-key-internal/v1/access-token', { body: { apiKeyValue: vaultKey.value } });
  t.is(exchanged.error?.errorName, 'Authorization:NotAuthorized');
  t.truthy(admin);
});

test('exchange: one NotAuthorized for unknown, revoked, expired keys and keys of a disabled user', async (t) => {
  const { alice, keys } = await orgWithKeys();
  const exchange = (apiKeyValue: string) => gw.clients.anonymous.tokenExchange.POST('/api-key-internal/v1/access-token', { body: { apiKeyValue } });
  const ok = await exchange(keys.live.apiKeyValue);
  t.is(ok.response.status, 200);
  t.is(ok.data?.userUuid, alice.userId);
  const refusals = [keys.revoked.apiKeyValue, keys.expired.apiKeyValue, 'gk_000000000000000000000000_' + 'A'.repeat(43), 'nonsense'];
  const bodies: Record<string, unknown>[] = [];
  for (const value of refusals) {
    const res = await exchange(value);
    t.is(res.response.status, 403);
    bodies.push({ errorCode: res.error?.errorCode, errorName: res.error?.errorName, parameters: res.error?.parameters });
  }
  t.true(bodies.every((b) => JSON.stringify(b) === JSON.stringify(bodies[0])), JSON.stringify(bodies));
  t.deepEqual(bodies[0], { errorCode: 'PERMISSION_DENIED', errorName: 'Authorization:NotAuthorized', parameters: {} });

  await gw.services.identity.users.setDisabled(alice.tenantId, alice.userId, true);
  t.is((await exchange(keys.live.apiKeyValue)).error?.errorName, 'Authorization:NotAuthorized');
});

test('createApiKey validates its body; expiry far beyond a century is refused', async (t) => {
  const m: Member = await member(gw);
  const { client } = await signedIn(gw, m);
  const empty = await client.POST('/authorization/v1/api-key', { body: { apiKeyName: '' } });
  t.is(empty.response.status, 400);
  const huge = await client.POST('/authorization/v1/api-key', { body: { apiKeyName: 'x', expiresAfterDays: 9007199254740991 } });
  t.is(huge.response.status, 400);
  t.is(huge.error?.errorName, 'Default:InvalidArgument');
  const stored = await gw.services.store.apiKeys.find({ tenantId: m.tenantId }).toArray();
  t.is(stored.length, 0);
  const ok = await create(client, 'x', 2);
  const doc = await gw.services.store.apiKeys.findOne({ _id: ok.apiKeyMetadata.rid.split('.').pop()! });
  t.not(doc?.secretHash, ok.apiKeyValue);
  t.false(JSON.stringify(doc).includes(ok.apiKeyValue), 'the value is not stored');
  t.deepEqual(doc?.scopes, ['token-exchange']);
});
