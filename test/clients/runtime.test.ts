/**
 * The generated clients' runtime: which credentials go where for an operation's security
 * alternatives, and that form operations are sent as application/x-www-form-urlencoded.
 */
import test from 'ava';
import { chooseHeaders } from '../../clients/runtime.ts';
import { createVaultClient } from '../../clients/secrets-vault.ts';
import { createPasskeysClient } from '../../clients/passkeys.ts';
import { createDirectorySessionClient } from '../../clients/directory-session.ts';
import { securitySchemes as vaultSchemes, operationTable as vaultOps } from '../../generated/secrets-vault/operations.ts';

const op = (id: string) => vaultOps.find((o) => o.operationId === id);

test('the first security alternative whose credentials are all present is used', (t) => {
  t.deepEqual(chooseHeaders(op('listUsers'), vaultSchemes, { APIKeyHeader: 'k' }), [['X-API-Key', 'k']]);
  t.deepEqual(chooseHeaders(op('listUsers'), vaultSchemes, { HTTPBearer: 't' }), [['Authorization', 'Bearer t']]);
  t.deepEqual(chooseHeaders(op('listUsers'), vaultSchemes, {}), []);
  // a public operation sends nothing even when credentials are configured
  t.deepEqual(chooseHeaders(op('register'), vaultSchemes, { APIKeyHeader: 'k' }), []);
  // optional client authentication: Basic when given
  t.deepEqual(chooseHeaders(op('tokenExchangeStandard'), vaultSchemes, { ClientSecretBasic: { username: 'c', password: 's' } }), [
    ['Authorization', `Basic ${Buffer.from('c:s').toString('base64')}`],
  ]);
});

/** A fetch that records the request instead of sending it. */
function recorder() {
  const seen: Request[] = [];
  const fetchImpl = async (req: Request) => {
    seen.push(req);
    return new Response('null', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  return { seen, fetchImpl };
}

test('form operations are sent url-encoded, JSON ones as JSON, each with its auth header', async (t) => {
  const { seen, fetchImpl } = recorder();
  const vault = createVaultClient({ baseUrl: 'http://gw.test', auth: { APIKeyHeader: 'key-1' }, fetch: fetchImpl });
  await vault.POST('/oidc/{tenant_id}/token', {
    params: { path: { tenant_id: 'default' } },
    body: { client_id: 'demo', grant_type: 'authorization_code', code: 'abc', redirect_uri: 'http://app/cb' },
  });
  await vault.GET('/users/{tenant_id}', { params: { path: { tenant_id: 'default' } } });
  const [form, list] = seen;
  t.is(form.url, 'http://gw.test/api/oidc/default/token');
  t.is(form.headers.get('content-type'), 'application/x-www-form-urlencoded');
  t.deepEqual(Object.fromEntries(new URLSearchParams(await form.text())), {
    client_id: 'demo',
    grant_type: 'authorization_code',
    code: 'abc',
    redirect_uri: 'http://app/cb',
  });
  t.is(form.headers.get('x-api-key'), null, 'a public operation carries no API key');
  t.is(list.url, 'http://gw.test/api/users/default');
  t.is(list.headers.get('x-api-key'), 'key-1');
});

test('LoginID API keys go as Basic base64("<key>:"), sessions raw, directory sessions in x-infinite-bearer', async (t) => {
  const { seen, fetchImpl } = recorder();
  const pk = createPasskeysClient({ baseUrl: 'http://gw.test/', auth: { apiKey_header_Authorization: 'pk-key', sessionAuth_header_Authorization: 'sess-123' }, fetch: fetchImpl });
  await pk.GET('/mgmt/user', { params: { query: { username: 'u' } } });
  await pk.POST('/mfa/otp/request', { body: { method: 'email', option: 'a@b.c' } as never });
  t.is(seen[0].headers.get('authorization'), `Basic ${Buffer.from('pk-key:').toString('base64')}`);
  t.is(seen[0].url, 'http://gw.test/fido2/v2/mgmt/user?username=u');
  t.is(seen[1].headers.get('authorization'), 'sess-123');
  const dir = createDirectorySessionClient({ baseUrl: 'http://gw.test', auth: { Infinite_Directory_Session: 'dir-bearer' }, fetch: fetchImpl });
  await dir.GET('/heartbeat');
  t.is(seen[2].headers.get('x-infinite-bearer'), 'dir-bearer');
});
