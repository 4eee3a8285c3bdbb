/**
 * Lockout blocks of a tenant (identity/lockout/): the Vault's Blocked Ips and Block Users lists,
 * and Unblock Ip and Unblock User, which lift a block at once and forget its failures. Blocks are
 * per tenant: unblocking an address in one tenant leaves it blocked wherever else it is.
 */
import type { Command } from '../cli.ts';
import { clientsFor, unwrap } from '../connection.ts';
import { table } from '../format.ts';
import { findUser } from './users.ts';

const PAGE_SIZE = 500;

export const blockCommands: Command[] = [
  {
    name: 'blocks list',
    summary: 'list the addresses and users blocked in a tenant after failed logins',
    args: ['<tenant>'],
    async run(inv) {
      const tenantId = inv.args[0]!;
      const { vault } = clientsFor(inv);
      const query = { page: 0, page_size: PAGE_SIZE };
      const ips = unwrap(await vault.GET('/tenants/{tenant_id}/blocked-ips', { params: { path: { tenant_id: tenantId }, query } }), `blocked addresses of ${tenantId}`);
      const users = unwrap(await vault.GET('/tenants/{tenant_id}/blocked-users', { params: { path: { tenant_id: tenantId }, query } }), `blocked users of ${tenantId}`);
      const more = (n: number, total: number) => (total > n ? `\n(${total - n} more not shown)` : '');
      return {
        json: { ips: ips.data, users: users.data },
        text: [
          'Blocked addresses:',
          table(['ADDRESS', 'SINCE', 'FOR (S)'], ips.data.map((b) => [b.ip, b.blocked_at, b.block_time_seconds])) + more(ips.data.length, ips.total_count),
          '',
          'Blocked users:',
          table(['USER', 'USERNAME', 'SINCE', 'FOR (S)'], users.data.map((b) => [b.user_id, b.username, b.blocked_at, b.block_time_seconds])) + more(users.data.length, users.total_count),
        ].join('\n'),
      };
    },
  },
  {
    name: 'unblock ip',
    summary: 'lift the block of an address in a tenant',
    args: ['<tenant>', '<address>'],
    async run(inv) {
      const [tenantId, ip] = inv.args as [string, string];
      const { vault } = clientsFor(inv);
      unwrap(await vault.DELETE('/tenants/{tenant_id}/blocked-ips/{ip}', { params: { path: { tenant_id: tenantId, ip } } }), `unblock ${ip}`);
      return { json: { tenant_id: tenantId, ip, unblocked: true }, text: `Unblocked ${ip} in tenant ${tenantId}` };
    },
  },
  {
    name: 'unblock user',
    summary: 'lift the block of a user in a tenant',
    args: ['<tenant>', '<user-id|username>'],
    details: ['Blocks of the addresses the failed attempts came from stay; lift those with `unblock ip`.'],
    async run(inv) {
      const [tenantId, name] = inv.args as [string, string];
      const user = await findUser(inv, tenantId, name);
      const { vault } = clientsFor(inv);
      unwrap(
        await vault.DELETE('/tenants/{tenant_id}/blocked-users/{user_id}', { params: { path: { tenant_id: tenantId, user_id: user.user_id } } }),
        `unblock ${name}`,
      );
      return { json: { tenant_id: tenantId, user_id: user.user_id, username: user.username, unblocked: true }, text: `Unblocked ${user.username} (${user.user_id}) in tenant ${tenantId}` };
    },
  },
];
