/**
 * Our operator API (specs/gateway.yaml): the crypto core (status, swap, rollback, history), the
 * bootstrap record, the development outbox, and the token-exchange API's settings (token-exchange.ts).
 * Every operation needs an admin key with the
 * `gateway:admin` scope (see index.ts).
 */
import type { Handlers } from '../../../generated/gateway/operations.ts';
import type { OutboxDoc } from '../../store/collections.ts';
import { GatewayError } from '../../http/errors.ts';
import { DIRECTORY_CLIENT_ID, PASSKEYS_OIDC_CLIENT_ID } from '../../identity/index.ts';
import type { ApiContext, ApiPrincipal } from '../types.ts';
import { tokenExchangeHandlers } from './token-exchange.ts';
import { getPasskeysApp, listPasskeysClientEvents, updatePasskeysApp } from './passkeys-apps.ts';
import { deletePasskeysOidcProvider, listPasskeysOidcProviders, putPasskeysOidcProvider } from './passkeys-oidc-providers.ts';
import { listDirectoryApplications } from './directory/listDirectoryApplications.ts';
import { putDirectoryApplication } from './directory/putDirectoryApplication.ts';
import { deleteDirectoryApplication } from './directory/deleteDirectoryApplication.ts';
import { getDirectoryUpstream } from './directory/getDirectoryUpstream.ts';
import { putDirectoryUpstream } from './directory/putDirectoryUpstream.ts';
import { deleteDirectoryUpstream } from './directory/deleteDirectoryUpstream.ts';

const CLIENT_KINDS: Record<string, 'directory' | 'passkeys'> = { [DIRECTORY_CLIENT_ID]: 'directory', [PASSKEYS_OIDC_CLIENT_ID]: 'passkeys' };

const actorOf = (p: ApiPrincipal) => `key:${p.credentialId}`;

const DELIVERY: Record<OutboxDoc['status'], 'outbox' | 'smtp' | 'failed'> = { stored: 'outbox', sent: 'smtp', failed: 'failed' };

export const handlers: Handlers<ApiPrincipal, ApiContext> = {
  ...tokenExchangeHandlers,
  getPasskeysApp,
  updatePasskeysApp,
  listPasskeysClientEvents,
  listPasskeysOidcProviders,
  putPasskeysOidcProvider,
  deletePasskeysOidcProvider,
  listDirectoryApplications,
  putDirectoryApplication,
  deleteDirectoryApplication,
  getDirectoryUpstream,
  putDirectoryUpstream,
  deleteDirectoryUpstream,

  async getCoreStatus({ context }) {
    return { status: 200, body: context.services.crypto.status() };
  },

  async swapCore({ body, principal, context }) {
    if (body.byteLength === 0) throw new GatewayError('bad_request', 'The request body must be the .wasm module');
    const result = await context.services.crypto.swap(body, actorOf(principal));
    if (result.ok) return { status: 200, body: result.status };
    throw new GatewayError('bad_request', result.reason, { status: 422, code: 'core-refused', title: 'Crypto core candidate refused' });
  },

  async rollbackCore({ principal, context }) {
    const result = await context.services.crypto.rollback(actorOf(principal));
    if (result.ok) return { status: 200, body: result.status };
    throw new GatewayError('conflict', result.reason, { code: 'nothing-to-roll-back', title: 'Nothing to roll back to' });
  },

  async listCoreEvents({ query, context }) {
    const before = query.before ? new Date(query.before) : undefined;
    const events = await context.services.crypto.history({ limit: query.limit ?? 50, ...(before ? { before } : {}) });
    return { status: 200, body: { events } };
  },

  async getBootstrapStatus({ context }) {
    const s = await context.services.identity.bootstrap.status();
    return {
      status: 200,
      body: {
        ...s,
        at: s.at ? s.at.toISOString() : null,
        clients: s.clients.map((c) => ({ client_id: c.clientId, name: c.name, kind: CLIENT_KINDS[c.clientId] ?? ('demo' as const) })),
      },
    };
  },

  async listOutbox({ query, context }) {
    if (!context.services.config.outboxApi) throw new GatewayError('not_found', 'The development outbox is disabled (GATEWAY_OUTBOX)');
    const docs = await context.services.identity.outbox.list({
      ...(query.channel ? { channel: query.channel } : {}),
      ...(query.to ? { to: query.to } : {}),
      limit: query.limit ?? 50,
    });
    return {
      status: 200,
      body: {
        messages: docs.map((d) => ({
          id: d._id,
          channel: d.channel,
          to: d.to,
          subject: d.subject,
          body: d.body,
          purpose: d.purpose,
          tenantId: d.tenantId,
          createdAt: d.createdAt.toISOString(),
          delivery: DELIVERY[d.status],
          error: d.error,
        })),
      },
    };
  },
};
