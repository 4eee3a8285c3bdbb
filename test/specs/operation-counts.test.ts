import test from 'ava';
import { loadSpecs, operationsOf } from '../helpers/specs.ts';

// The operation counts of the specs: directory 10 (its three GET/POST twins are aliases), vault 53 seed + 4 OpenID + 2 + 9 for the login and account pages (register with a passkey (2), enrol, passkey by link or fresh login (2), verify e-mail, invite, end a session, delete a passkey) + 2 unblocks (blocked IPs, blocked users) = 70,
// passkeys 62 + DELETE /passkeys/{id} + the two LoginID's web SDK calls (DELETE /profile/{id}/phone, GET /version) + POST /mfa/token (the MFA refresh) = 66, token exchange 12, gateway 6 operator operations + 10 for the token-exchange API (trusted issuers, orgs, e-mail rules, exchangeable clients, workspaces) + 6 for Passkeys applications (settings, client events, OpenID providers) + 6 for the Directory API (applications, upstream provider).
const EXPECTED: Record<string, number> = {
  'directory-session': 10,
  'secrets-vault': 70,
  passkeys: 66,
  'token-exchange': 12,
  gateway: 28,
};

for (const spec of loadSpecs()) {
  test(`${spec.name}: ${EXPECTED[spec.name]} operations, unique camelCase operationIds`, (t) => {
    const ops = operationsOf(spec.doc);
    const distinct = ops.filter((o) => !o.op['x-alias-of']);
    t.is(distinct.length, EXPECTED[spec.name]);
    const ids = ops.map((o) => o.op.operationId);
    t.is(new Set(ids).size, ids.length, 'operationIds are unique');
    for (const id of ids) t.regex(id, /^[a-z][A-Za-z0-9]*$/, `${id} is camelCase`);
    for (const o of ops.filter((x) => x.op['x-alias-of'])) {
      t.true(ids.includes(o.op['x-alias-of']), `${o.op.operationId} aliases an existing operation`);
    }
  });

  test(`${spec.name}: servers[0].url is the mount prefix, every schema is a component`, (t) => {
    t.truthy(spec.doc.servers?.[0]?.url);
    t.regex(spec.doc.openapi, /^3\.1\./);
    const text = JSON.stringify(spec.doc);
    t.false(text.includes('"$defs"'), 'no $defs: express-openapi-validator cannot resolve refs into them');
    for (const ref of text.match(/"\$ref":"[^"]+"/g) ?? []) {
      t.regex(ref, /"#\/components\/(schemas|responses|parameters|requestBodies|headers|securitySchemes)\//);
    }
  });

  test(`${spec.name}: every operation has an error-shaped default response and declares security`, (t) => {
    for (const { method, path, op } of operationsOf(spec.doc)) {
      t.truthy(op.responses?.default, `${method} ${path} has a default (error) response`);
      t.true(Array.isArray(op.security ?? spec.doc.security), `${method} ${path} declares its security`);
      t.truthy(op.summary, `${method} ${path} has a summary`);
    }
  });
}
