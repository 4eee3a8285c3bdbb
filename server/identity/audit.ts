/**
 * The audit log of security events (docs/architecture.md, Security baseline): logins, refused
 * credentials, key and client changes, lockouts. Records expire after a retention period
 * (default 90 days) through the TTL index.
 *
 * `record` never throws: a failing audit write must not turn a login into a 500. The failure is
 * logged at error level instead, so it is not silent.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AuditDoc, Store } from '../store/collections.ts';
import type { Clock } from './clock.ts';

export const DEFAULT_AUDIT_RETENTION_DAYS = 90;

export interface AuditEvent {
  tenantId: string | null;
  actor: { type: AuditDoc['actorType']; id?: string | null };
  /** Dotted verb, e.g. `login.zkimg`, `api_key.create`, `token.refresh_reuse`. */
  action: string;
  outcome: AuditDoc['outcome'];
  target?: string | null;
  ip?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditService {
  record(event: AuditEvent): Promise<void>;
  list(tenantId: string, options?: { action?: string; before?: Date; limit?: number }): Promise<AuditDoc[]>;
}

export function createAuditService(options: { store: Store; clock: Clock; logger?: Logger; retentionDays?: number }): AuditService {
  const { store, clock, logger } = options;
  const retentionMs = (options.retentionDays ?? DEFAULT_AUDIT_RETENTION_DAYS) * 86_400_000;
  return {
    async record(event) {
      const at = clock();
      const doc: AuditDoc = {
        _id: randomUUID(),
        at,
        tenantId: event.tenantId,
        actorType: event.actor.type,
        actorId: event.actor.id ?? null,
        action: event.action,
        outcome: event.outcome,
        target: event.target ?? null,
        ip: event.ip ?? null,
        requestId: event.requestId ?? null,
        details: event.details ?? {},
        expiresAt: new Date(at.getTime() + retentionMs),
      };
      try {
        await store.auditLog.insertOne(doc);
      } catch (error) {
        logger?.error({ err: error, audit: { action: doc.action, outcome: doc.outcome, tenantId: doc.tenantId } }, 'audit record could not be written');
      }
    },

    list(tenantId, { action, before, limit = 100 } = {}) {
      const filter: Record<string, unknown> = { tenantId, expiresAt: { $gt: clock() } };
      if (action !== undefined) filter.action = action;
      if (before !== undefined) filter.at = { $lt: before };
      return store.auditLog.find(filter).sort({ at: -1 }).limit(limit).toArray();
    },
  };
}
