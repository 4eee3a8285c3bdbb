/**
 * How long the largest SCIM group requests hold the event loop (a
 * 20,000-value member add used to block it for 13.8 s, every other request waiting meanwhile).
 *
 * One gateway in this process (embedded engine, response validation off as in production), one
 * tenant with 20,000 users inserted directly, and a group. Each row sends one request through
 * HTTP and reports its status, its wall time and the longest event-loop stall measured while it
 * ran (perf_hooks.monitorEventLoopDelay, 10 ms resolution). The rows cover the largest requests
 * the SCIM limits allow (patch.ts MAX_PATCH_VALUES, MAX_PATCH_OPERATIONS, group-store.ts
 * MAX_MEMBERS_PER_REQUEST) and requests just over them, which must be refused before any work.
 *
 *   npx tsx scripts/bench/scim-patch.ts
 *
 * Measured on 2 shared cores (load ~2), node 20, embedded engine, before (ed095cf) -> after:
 *   PATCH add 10,000 members             28.9 s wall / 13.6 s stall  ->  0.65 s / 0.07 s
 *   PATCH 100 ops members[value eq]      37.1 s / 12.6 s             ->  0.53 s / 0.24 s
 *   PUT 10,000 members                   23.7 s / 11.8 s             ->  0.61 s / 0.23 s
 *   GET Groups?filter=members.value eq   53.3 s / 52.6 s             ->  0.84 s / 0.22 s
 *   PATCH add 20,000 (refused)           25.6 s / 15.2 s             ->  15 ms / 11 ms
 * Most of the remaining wall time is the embedded engine (BSON both ways, in this process);
 * the SCIM code's own share of a 10,000-member add is about 70 ms of CPU.
 */
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { UserDoc } from '../../server/store/collections.ts';
import { startTestGateway } from '../../test/helpers/gateway.ts';

const USERS = 20_000;
const PATCH_OP = ['urn:ietf:params:scim:api:messages:2.0:PatchOp'];
const GROUP = ['urn:ietf:params:scim:schemas:core:2.0:Group'];

interface Row {
  name: string;
  status: number;
  ms: number;
  stallMs: number;
  note: string;
}
function print(r: Row): void {
  console.log([r.name.padEnd(66), String(r.status).padStart(6), r.ms.toFixed(0).padStart(11), r.stallMs.toFixed(0).padStart(14), `  ${r.note}`].join(''));
}

console.log(`SCIM group requests, ${USERS} users in the tenant, node ${process.version}`);
console.log(['request'.padEnd(66), 'status', '    wall ms', '  max stall ms', '  note'].join(''));
const gw = await startTestGateway({ VALIDATE_RESPONSES: '0', TEST_LOG_LEVEL: 'silent' });
const rows: Row[] = [];
try {
  const tenantId = await gw.createTenant('bench-scim');
  const key = await gw.createApiKey(tenantId, ['scim']);
  const headers = { 'X-API-Key': key.value, 'content-type': 'application/scim+json' };
  const base = `${gw.url}/api/scim/v2/${tenantId}`;

  const now = new Date();
  const users: UserDoc[] = Array.from({ length: USERS }, (_, i) => ({
    _id: randomUUID(),
    tenantId,
    username: `member${i}`,
    usernameKey: `member${i}`,
    email: null,
    emailKey: null,
    emailVerified: false,
    phone: null,
    displayName: `Member ${i}`,
    disabled: false,
    externalId: null,
    profile: {},
    version: 1,
    createdAt: now,
    updatedAt: now,
  }));
  await gw.services.store.users.insertMany(users);
  const ids = users.map((u) => u._id);
  const members = (from: number, to: number) => ids.slice(from, to).map((value) => ({ value }));

  let n = 0;
  const newGroup = async (initial: { value: string }[] = []): Promise<string> => {
    const res = await fetch(`${base}/Groups`, { method: 'POST', headers, body: JSON.stringify({ schemas: GROUP, displayName: `g${n++}`, members: initial }) });
    if (res.status !== 201) throw new Error(`create group: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { id: string }).id;
  };

  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const measure = async (name: string, method: string, path: string, body: unknown) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    histogram.reset();
    const began = performance.now();
    const res = await fetch(`${base}${path}`, { method, headers, ...(text === undefined ? {} : { body: text }) });
    const reply = await res.text();
    const ms = performance.now() - began;
    const stallMs = histogram.max / 1e6;
    let note = text === undefined ? '' : `${(text.length / 1024).toFixed(0)} KiB`;
    if (res.status >= 400) note += `; ${(JSON.parse(reply) as { scimType?: string; detail?: string }).scimType ?? ''} ${(JSON.parse(reply) as { detail?: string }).detail ?? ''}`;
    else if (method !== 'GET') note += `; ${((JSON.parse(reply) as { members?: unknown[] }).members ?? []).length} members after`;
    else note += `${(JSON.parse(reply) as { totalResults: number }).totalResults} found`;
    const row = { name, status: res.status, ms, stallMs, note };
    rows.push(row);
    print(row);
  };
  const patch = (Operations: unknown[]) => ({ schemas: PATCH_OP, Operations });

  await measure('PATCH add 10,000 members to an empty group', 'PATCH', `/Groups/${await newGroup()}`, patch([{ op: 'add', path: 'members', value: members(0, 10_000) }]));
  await measure('PATCH add the same 10,000 again (all duplicates)', 'PATCH', `/Groups/${await newGroup(members(0, 10_000))}`, patch([{ op: 'add', path: 'members', value: members(0, 10_000) }]));
  await measure('PATCH 2 ops: remove 5,000 by value list, add 5,000 new', 'PATCH', `/Groups/${await newGroup(members(0, 10_000))}`, patch([
    { op: 'remove', path: 'members', value: members(0, 5_000) },
    { op: 'add', path: 'members', value: members(10_000, 15_000) },
  ]));
  await measure('PATCH replace members with 10,000 others', 'PATCH', `/Groups/${await newGroup(members(0, 10_000))}`, patch([{ op: 'replace', path: 'members', value: members(10_000, 20_000) }]));
  await measure('PATCH 100 ops remove members[value eq ...] (10,000-member group)', 'PATCH', `/Groups/${await newGroup(members(0, 10_000))}`, patch(ids.slice(0, 100).map((id) => ({ op: 'remove', path: `members[value eq "${id}"]` }))));
  await measure('PATCH 100 ops add one member each (9,900-member group)', 'PATCH', `/Groups/${await newGroup(members(0, 9_900))}`, patch(ids.slice(10_000, 10_100).map((id) => ({ op: 'add', path: 'members', value: [{ value: id }] }))));
  await measure('PUT group with 10,000 members', 'PUT', `/Groups/${await newGroup()}`, { schemas: GROUP, displayName: 'put', members: members(0, 10_000) });
  const big = await newGroup(members(0, 10_000));
  await measure('GET Groups?filter=members.value eq ...&excludedAttributes=members', 'GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`members.value eq "${ids[9_999]}"`)}`, undefined);
  await measure('GET Groups?filter=members.value co ... (scan of ~100,000 members)', 'GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent(`members.value co "${ids[9_999].slice(0, 8)}"`)}`, undefined);
  await measure('GET Groups?filter of 63 comparisons under one or (64 nodes)', 'GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent(Array.from({ length: 63 }, (_, i) => `displayName eq "n${i}"`).join(' or '))}`, undefined);
  await measure('GET Groups?filter of 64 comparisons (65 nodes, over the limit)', 'GET', `/Groups?excludedAttributes=members&filter=${encodeURIComponent(Array.from({ length: 64 }, (_, i) => `displayName eq "n${i}"`).join(' or '))}`, undefined);
  await measure('PATCH add 20,000 members (over the limit)', 'PATCH', `/Groups/${big}`, patch([{ op: 'add', path: 'members', value: members(0, 20_000) }]));
  await measure('PATCH 101 operations (over the limit)', 'PATCH', `/Groups/${big}`, patch(ids.slice(0, 101).map((id) => ({ op: 'add', path: 'members', value: [{ value: id }] }))));
  await measure('PATCH 5 ops of 5,000 values (25,000: the 1 MiB body limit first)', 'PATCH', `/Groups/${big}`, patch([0, 5_000, 10_000, 15_000, 0].map((at) => ({ op: 'add', path: 'members', value: members(at, at + 5_000) }))));
  await measure('PATCH 3 ops of 5,000 new values (allowed; group would exceed 10,000)', 'PATCH', `/Groups/${big}`, patch([10_000, 15_000, 5_000].map((at) => ({ op: 'add', path: 'members', value: members(at, at + 5_000) }))));
  await measure('PUT group with 20,000 members (over the limit)', 'PUT', `/Groups/${big}`, { schemas: GROUP, displayName: 'put2', members: members(0, 20_000) });
  histogram.disable();
} finally {
  await gw.stop();
}

