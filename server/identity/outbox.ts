/**
 * The outbox of e-mail and SMS messages (one-time codes, verification links). Every message is
 * stored, so development and tests read codes from it (gateway API `outbox`); when `SMTP_URL` is
 * set, e-mails are also sent with nodemailer and the record says `sent` or `failed`. SMS has no
 * transport here: those messages stay `stored` for a provider integration to pick up.
 *
 * Messages can carry one-time codes in clear, so they are kept only for a short retention
 * (default 24 h, TTL index), and a message SMTP has delivered keeps no body at all: the store is
 * the delivery channel only when there is no transport (development).
 */
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { OutboxDoc, Store } from '../store/collections.ts';
import type { Clock } from './clock.ts';

/** What stays of a message body once SMTP has taken it. */
export const DELIVERED_BODY = '[delivered by SMTP; body not kept]';

export const DEFAULT_OUTBOX_RETENTION_HOURS = 24;

export interface OutboxMessage {
  tenantId: string | null;
  channel: OutboxDoc['channel'];
  to: string;
  subject?: string | null;
  body: string;
  /** What the message is for, e.g. `password_reset`, `email_verification`, `otp`. */
  purpose: string;
}

export interface OutboxService {
  send(message: OutboxMessage): Promise<OutboxDoc>;
  list(options?: { tenantId?: string; to?: string; channel?: OutboxDoc['channel']; purpose?: string; limit?: number }): Promise<OutboxDoc[]>;
}

export interface MailTransport {
  sendMail(mail: { from: string; to: string; subject: string; text: string }): Promise<unknown>;
}

export function createOutbox(options: {
  store: Store;
  clock: Clock;
  logger?: Logger;
  smtpUrl?: string;
  /** Sender address for e-mail; default `SMTP_FROM` or `gateway@localhost`. */
  from?: string;
  retentionHours?: number;
  /** A transport to use instead of one built from `smtpUrl` (tests). */
  transport?: MailTransport;
}): OutboxService {
  const { store, clock, logger } = options;
  const retentionMs = (options.retentionHours ?? DEFAULT_OUTBOX_RETENTION_HOURS) * 3_600_000;
  const from = options.from ?? 'gateway@localhost';
  const transport: MailTransport | null =
    options.transport ?? (options.smtpUrl ? (nodemailer.createTransport(options.smtpUrl) as MailTransport) : null);

  return {
    async send(message) {
      const createdAt = clock();
      const doc: OutboxDoc = {
        _id: randomUUID(),
        tenantId: message.tenantId,
        channel: message.channel,
        to: message.to,
        subject: message.subject ?? null,
        body: message.body,
        purpose: message.purpose,
        status: 'stored',
        error: null,
        createdAt,
        deliveredAt: null,
        expiresAt: new Date(createdAt.getTime() + retentionMs),
      };
      await store.outbox.insertOne(doc);
      if (transport !== null && message.channel === 'email') {
        try {
          await transport.sendMail({ from, to: message.to, subject: message.subject ?? message.purpose, text: message.body });
          doc.status = 'sent';
          doc.deliveredAt = clock();
          doc.body = DELIVERED_BODY;
        } catch (error) {
          doc.status = 'failed';
          // The transport's message names the server and the failure, never the message body.
          doc.error = error instanceof Error ? error.message : String(error);
          logger?.warn({ outboxId: doc._id, err: error }, 'e-mail delivery failed');
        }
        await store.outbox.updateOne({ _id: doc._id }, { $set: { status: doc.status, deliveredAt: doc.deliveredAt, error: doc.error, body: doc.body } });
      }
      return doc;
    },

    list({ tenantId, to, channel, purpose, limit = 50 } = {}) {
      const filter: Record<string, unknown> = { expiresAt: { $gt: clock() } };
      if (tenantId !== undefined) filter.tenantId = tenantId;
      if (to !== undefined) filter.to = to;
      if (channel !== undefined) filter.channel = channel;
      if (purpose !== undefined) filter.purpose = purpose;
      return store.outbox.find(filter).sort({ createdAt: -1 }).limit(limit).toArray();
    },
  };
}
