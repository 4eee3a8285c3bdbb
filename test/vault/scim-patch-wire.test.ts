/**
 * SCIM PATCH bodies as provisioning clients really send them: `operations` in lower case and
 * operation names in any case (RFC 7644 names them `Operations` and `add`), both through the
 * request validator and into the PATCH engine; a body with neither key is refused.
 */
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(async () => {
  await gw?.stop();
});

const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

async function scim(method: string, path: string, body?: unknown) {
  const res = await fetch(`${gw.url}/api/scim/v2/default${path}`, {
    method,
    headers: { 'X-API-Key': gw.adminKey, 'content-type': 'application/scim+json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

test('lower-case `operations` and capitalised op names are applied', async (t) => {
  const created = await scim('POST', '/Users', {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: 'wire-user',
    emails: [{ value: 'wire@example.com', primary: true }],
  });
  t.is(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id;
  const lower = await scim('PATCH', `/Users/${id}`, { schemas: [PATCH], operations: [{ op: 'Replace', path: 'active', value: false }] });
  t.is(lower.status, 200, JSON.stringify(lower.body));
  t.false(lower.body.active);
  const shout = await scim('PATCH', `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'REPLACE', path: 'active', value: true }] });
  t.is(shout.status, 200, JSON.stringify(shout.body));
  t.true(shout.body.active);
});

test('a PatchOp with no operations, or an unknown op, is refused in the SCIM error shape', async (t) => {
  const created = await scim('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'wire-user-2', emails: [{ value: 'w2@example.com' }] });
  const none = await scim('PATCH', `/Users/${created.body.id}`, { schemas: [PATCH] });
  t.is(none.status, 400);
  t.deepEqual(none.body.schemas, ['urn:ietf:params:scim:api:messages:2.0:Error']);
  const bogus = await scim('PATCH', `/Users/${created.body.id}`, { schemas: [PATCH], Operations: [{ op: 'merge', path: 'active', value: true }] });
  t.is(bogus.status, 400);
});
