// registerInWorkspace all-or-nothing (one guarded update under a unique multikey index), its
// errors, other orgs' workspaces, and what authorize answers.
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { member, signedIn } from './_helpers.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway();
});
test.after.always(() => gw?.stop());

const nb = () => `ri.scout.gateway.notebook.${randomUUID()}`;

async function orgWithWorkspaces(names = ['one', 'two']) {
  const m = await member(gw);
  const session = await signedIn(gw, m);
  const workspaces: string[] = [];
  for (const name of names) {
    const ws = await gw.clients.admin.gateway.POST('/token-exchange/orgs/{tenantId}/workspaces', { params: { path: { tenantId: m.tenantId } }, body: { name } });
    workspaces.push(ws.data!.rid);
  }
  return { m, ...session, workspaces };
}

test('a batch with one resource already in another workspace registers nothing, and names that resource', async (t) => {
  const { client, workspaces: [one, two] } = await orgWithWorkspaces();
  const register = (workspaceRid: string, resourceRids: string[]) => client.POST('/authorization/v1/register-in-workspace', { body: { workspaceRid, resourceRids } });
  const [a, b, c] = [nb(), nb(), nb()];
  t.is((await register(one, [a])).response.status, 204);
  t.is((await register(one, [a])).response.status, 204, 'again in its own workspace: a no-op');
  const clash = await register(two, [b, a, c]);
  t.is(clash.response.status, 409);
  t.like(clash.error, { errorCode: 'CONFLICT', errorName: 'Authorization:RegisterResourceConflict', parameters: { resource: a, requestedWorkspace: two } });
  // nothing of the batch landed: b and c are still free to go to `one`
  const allowed = await client.POST('/authorization/v1/authorize', { body: { rids: [a, b, c] } });
  t.deepEqual(allowed.data, [a]);
  t.is((await register(one, [b, c])).response.status, 204);
  const docs = await gw.services.store.workspaces.find({ resources: { $in: [a, b, c] } }).toArray();
  t.is(docs.length, 1);
});

test('concurrent batches sharing a resource: exactly one wins, whole', async (t) => {
  const { client, workspaces } = await orgWithWorkspaces(['w1', 'w2', 'w3', 'w4']);
  const shared = nb();
  const batches = workspaces.map(() => [nb(), shared, nb()]);
  const results = await Promise.all(
    workspaces.map((workspaceRid, i) => client.POST('/authorization/v1/register-in-workspace', { body: { workspaceRid, resourceRids: batches[i] } })),
  );
  const winners = results.map((r, i) => (r.response.status === 204 ? i : -1)).filter((i) => i >= 0);
  t.is(winners.length, 1);
  t.true(results.every((r) => r.response.status === 204 || r.response.status === 409));
  const registered = (await client.POST('/authorization/v1/authorize', { body: { rids: batches.flat() } })).data!;
  t.deepEqual(new Set(registered), new Set(batches[winners[0]]));
});

test('another org\'s workspace, or one that does not exist, is WorkspaceNotFound; its resources are not authorized', async (t) => {
  const mine = await orgWithWorkspaces(['mine']);
  const theirs = await orgWithWorkspaces(['theirs']);
  const secret = nb();
  t.is((await theirs.client.POST('/authorization/v1/register-in-workspace', { body: { workspaceRid: theirs.workspaces[0], resourceRids: [secret] } })).response.status, 204);
  const intoTheirs = await mine.client.POST('/authorization/v1/register-in-workspace', { body: { workspaceRid: theirs.workspaces[0], resourceRids: [nb()] } });
  t.is(intoTheirs.response.status, 404);
  t.like(intoTheirs.error, { errorName: 'Authorization:WorkspaceNotFound', parameters: { workspace: theirs.workspaces[0] } });
  const ghost = `ri.security.gateway.workspace.${randomUUID()}`;
  t.is((await mine.client.POST('/authorization/v1/register-in-workspace', { body: { workspaceRid: ghost, resourceRids: [] } })).error?.errorName, 'Authorization:WorkspaceNotFound');
  const seen = await mine.client.POST('/authorization/v1/authorize', { body: { rids: [secret, theirs.workspaces[0], mine.workspaces[0]] } });
  t.deepEqual(seen.data, [mine.workspaces[0]]);
  // taking another org's resource into one's own workspace is a conflict, not a way in
  const grab = await mine.client.POST('/authorization/v1/register-in-workspace', { body: { workspaceRid: mine.workspaces[0], resourceRids: [secret] } });
  t.is(grab.response.status, 409);
  t.deepEqual((await mine.client.POST('/authorization/v1/authorize', { body: { rids: [secret] } })).data, []);
});

test('malformed identifiers and oversized batches are InvalidArgument', async (t) => {
  const { client, workspaces } = await orgWithWorkspaces(['x']);
  const bad = await client.POST('/authorization/v1/register-in-workspace', { body: { workspaceRid: workspaces[0], resourceRids: ['not a rid'] } });
  t.is(bad.response.status, 400);
  t.is(bad.error?.errorName, 'Default:InvalidArgument');
  const many = Array.from({ length: 1001 }, nb);
  t.is((await client.POST('/authorization/v1/register-in-workspace', { body: { workspaceRid: workspaces[0], resourceRids: many } })).response.status, 400);
  t.is((await client.POST('/authorization/v1/authorize', { body: { rids: many } })).response.status, 400);
});
