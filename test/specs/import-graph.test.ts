/**
 * The shape of the code (scripts/import-graph.ts): no import cycle anywhere (type imports
 * included), and the identity core outside server/identity/vault/ imports nothing of the Vault,
 * so every API can stand on it. The detector itself is tested on a graph with a known cycle.
 */
import test from 'ava';
import { cycles, importGraph, vaultImportsOutsideVault, type Edge } from '../../scripts/import-graph.ts';

const edges = importGraph();

test('the detector finds a cycle, a self-import and a Vault import it is shown', (t) => {
  const e = (from: string, to: string, typeOnly = false): Edge => ({ from, to, typeOnly });
  t.deepEqual(cycles([e('a', 'b'), e('b', 'c'), e('c', 'a'), e('c', 'd')]).map((c) => [...c].sort()), [['a', 'a', 'b', 'c']]);
  t.is(cycles([e('a', 'a')]).length, 1);
  t.is(cycles([e('a', 'b'), e('b', 'c')]).length, 0);
  t.is(vaultImportsOutsideVault([e('server/identity/oauth/x.ts', 'server/identity/vault/y.ts'), e('server/identity/vault/y.ts', 'server/identity/oauth/x.ts')]).length, 1);
  t.true(edges.length > 500, 'the real graph is read');
  t.true(edges.some((x) => x.from === 'server/identity/oauth/token-endpoint.ts' && x.to === 'server/identity/oauth/grants/index.ts'));
});

test('the import graph has no cycle, counting type imports', (t) => {
  t.deepEqual(cycles(edges), []);
});

test('no identity-core module outside server/identity/vault/ imports anything Vault-specific', (t) => {
  t.deepEqual(vaultImportsOutsideVault(edges), []);
});

test('the API-neutral core (oauth, webauthn, sessions, errors) throws no HTTP errors: it imports nothing from server/http', (t) => {
  const neutral = /^server\/identity\/(oauth\/|webauthn\/|lockout\/|sessions\.ts|errors\.ts)/;
  t.deepEqual(edges.filter((x) => neutral.test(x.from) && x.to.startsWith('server/http/')), []);
});
