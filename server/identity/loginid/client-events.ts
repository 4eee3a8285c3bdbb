/** Events a browser of an application reports (client-events/submit), kept 30 days for the operator. */
import { randomUUID } from 'node:crypto';
import type { LoginidClientEventDoc, Store } from '../../store/collections.ts';

export const CLIENT_EVENT_RETENTION_DAYS = 30;

export async function recordClientEvent(store: Store, input: { tenantId: string; event: string; isError: boolean; userAgent: string | null }, now = new Date()): Promise<void> {
  await store.loginidClientEvents.insertOne({
    _id: randomUUID(),
    tenantId: input.tenantId,
    event: input.event.slice(0, 200),
    isError: input.isError,
    userAgent: input.userAgent?.slice(0, 512) ?? null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + CLIENT_EVENT_RETENTION_DAYS * 86_400_000),
  });
}

export function listClientEvents(store: Store, tenantId: string, limit: number, now = new Date()): Promise<LoginidClientEventDoc[]> {
  return store.loginidClientEvents.find({ tenantId, expiresAt: { $gt: now } }).sort({ createdAt: -1 }).limit(limit).toArray();
}
