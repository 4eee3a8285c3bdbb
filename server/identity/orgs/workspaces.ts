/**
 * Workspaces of an org and the resources registered in them.
 *
 * Registration is all-or-nothing without a transaction: a workspace document holds its resource
 * identifiers, and a unique multikey index (store/collections.ts `one_workspace_per_resource`)
 * lets a resource be in one workspace at most. A batch is one `$addToSet` on the workspace
 * document, so MongoDB applies all of it or, when any resource already belongs to another
 * workspace (error 11000), none of it. Registering a resource again in its own workspace is a
 * no-op. A workspace holds at most MAX_WORKSPACE_RESOURCES resources (the guard in the same
 * update), which keeps its document far below MongoDB's 16 MiB limit.
 *
 * Access (`accessibleResources`): a member of an org may access the org itself, its own user,
 * the org's workspaces and every resource registered in them.
 */
import { randomUUID } from 'node:crypto';
import type { Store, WorkspaceDoc } from '../../store/collections.ts';
import type { Clock } from '../clock.ts';
import { IdentityError, isDuplicateKeyError } from '../errors.ts';
import { locatorOf, rids } from './rids.ts';
import type { OrgCaller } from './org-access-tokens.ts';

export const MAX_WORKSPACE_RESOURCES = 50_000;
export const MAX_BATCH = 1000;

export type RegisterOutcome = { ok: true } | { ok: false; reason: 'workspace_not_found' } | { ok: false; reason: 'conflict'; resource: string } | { ok: false; reason: 'full' };

export async function createWorkspace(store: Store, clock: Clock, tenantId: string, name: string): Promise<WorkspaceDoc> {
  if (name.trim() === '' || name.length > 200) throw new IdentityError('request.invalid', 'a workspace name is 1 to 200 characters');
  const doc: WorkspaceDoc = { _id: randomUUID(), tenantId, name: name.trim(), createdAt: clock() };
  await store.workspaces.insertOne(doc);
  return doc;
}

export function listWorkspaces(store: Store, tenantId: string): Promise<WorkspaceDoc[]> {
  return store.workspaces.find({ tenantId }, { projection: { resources: 0 } }).sort({ createdAt: 1, _id: 1 }).toArray();
}

export async function registerInWorkspace(store: Store, tenantId: string, workspaceRid: string, resources: string[]): Promise<RegisterOutcome> {
  const workspaceId = locatorOf('workspace', workspaceRid);
  if (workspaceId === null) return { ok: false, reason: 'workspace_not_found' };
  const batch = [...new Set(resources)];
  if (batch.length > MAX_BATCH) throw new IdentityError('request.invalid', `at most ${MAX_BATCH} resources at once`);
  if (batch.length === 0) {
    const exists = await store.workspaces.findOne({ _id: workspaceId, tenantId }, { projection: { _id: 1 } });
    return exists === null ? { ok: false, reason: 'workspace_not_found' } : { ok: true };
  }
  try {
    // Room for the whole batch: no element at index MAX - batch, so at most MAX after adding it.
    const result = await store.workspaces.updateOne(
      { _id: workspaceId, tenantId, [`resources.${MAX_WORKSPACE_RESOURCES - batch.length}`]: { $exists: false } },
      { $addToSet: { resources: { $each: batch } } },
    );
    if (result.matchedCount === 1) return { ok: true };
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    const holder = await store.workspaces.findOne({ _id: { $ne: workspaceId }, resources: { $in: batch } }, { projection: { resources: 1 } });
    const taken = new Set(holder?.resources ?? []);
    // The holder may have let go in between (it cannot today: no operation removes a resource); name the batch's first then.
    return { ok: false, reason: 'conflict', resource: batch.find((r) => taken.has(r)) ?? batch[0] };
  }
  const exists = await store.workspaces.findOne({ _id: workspaceId, tenantId }, { projection: { _id: 1 } });
  return exists === null ? { ok: false, reason: 'workspace_not_found' } : { ok: false, reason: 'full' };
}

/** The subset of `requested` that `caller` may access (see the header). */
export async function accessibleResources(store: Store, caller: OrgCaller, requested: string[]): Promise<string[]> {
  const wanted = [...new Set(requested)];
  const allowed = new Set<string>([rids.org(caller.orgUuid), rids.user(caller.userUuid)]);
  const workspaceIds = wanted.map((r) => locatorOf('workspace', r)).filter((id): id is string => id !== null);
  if (workspaceIds.length > 0) {
    for (const ws of await store.workspaces.find({ tenantId: caller.tenantId, _id: { $in: workspaceIds } }, { projection: { _id: 1 } }).toArray()) {
      allowed.add(rids.workspace(ws._id));
    }
  }
  const holders = await store.workspaces.find({ tenantId: caller.tenantId, resources: { $in: wanted } }, { projection: { resources: 1 } }).toArray();
  const registered = new Set(holders.flatMap((ws) => ws.resources ?? []));
  return wanted.filter((r) => allowed.has(r) || registered.has(r));
}
