/**
 * Users of a tenant on the Vault's List Users, Get User, Get User By Name, Create User, Update User
 * and Batch Delete User. A user is named by its id or its username (`findUser`), so an operator
 * can act on what a person tells them.
 */
import type { components } from '../../../generated/secrets-vault/schema.ts';
import { CommandError, onOff, optionString, UsageError, type Command, type Invocation } from '../cli.ts';
import { clientsFor, unwrap, withDefaults } from '../connection.ts';
import { fields, table } from '../format.ts';

type User = components['schemas']['User'];

/** The user named by id, else by username; a CommandError when neither exists in the tenant. */
export async function findUser(inv: Invocation, tenantId: string, name: string): Promise<User> {
  const { vault } = clientsFor(inv);
  const byId = await vault.GET('/users/{tenant_id}/{user_id}', { params: { path: { tenant_id: tenantId, user_id: name } } });
  if (byId.response.status !== 404) return unwrap(byId, `user ${name}`);
  const byName = await vault.GET('/users/{tenant_id}/by-username/{username}', { params: { path: { tenant_id: tenantId, username: name } } });
  if (byName.response.status === 404) throw new CommandError(`user ${name}: no user with this id or username in tenant ${tenantId}`);
  return unwrap(byName, `user ${name}`);
}

const userText = (u: User) =>
  fields([
    ['user', u.user_id],
    ['username', u.username],
    ['e-mail', u.email],
    ['tenant', u.tenant_id],
    ['disabled', u.is_disabled],
    ['verified', u.is_verified],
    ['created', u.created_at],
  ]);

export const userCommands: Command[] = [
  {
    name: 'users list',
    summary: "list a tenant's users, newest first",
    args: ['<tenant>'],
    options: {
      username: { type: 'string', valueName: 'text', description: 'only usernames containing this' },
      email: { type: 'string', valueName: 'text', description: 'only e-mail addresses containing this' },
      limit: { type: 'string', valueName: 'n', description: 'at most n users (1 to 500, default 50)' },
      offset: { type: 'string', valueName: 'n', description: 'skip the first n users' },
    },
    async run(inv) {
      const limit = Number(optionString(inv, 'limit') ?? 50);
      const offset = Number(optionString(inv, 'offset') ?? 0);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError('--limit: an integer from 1 to 500');
      if (!Number.isInteger(offset) || offset < 0) throw new UsageError('--offset: an integer from 0');
      const { vault } = clientsFor(inv);
      const page = unwrap(
        await vault.GET('/users/{tenant_id}', {
          params: { path: { tenant_id: inv.args[0]! }, query: { limit, offset, username: optionString(inv, 'username') ?? '', email: optionString(inv, 'email') ?? '' } },
        }),
        `users of ${inv.args[0]}`,
      );
      const more = page.has_next ? `\n(${page.total_count} in all; --offset ${offset + page.data.length} for more)` : '';
      return {
        json: page,
        text: table(['USER', 'USERNAME', 'E-MAIL', 'DISABLED'], page.data.map((u) => [u.user_id, u.username, u.email, u.is_disabled])) + more,
      };
    },
  },
  {
    name: 'users get',
    summary: 'show a user',
    args: ['<tenant>', '<user-id|username>'],
    async run(inv) {
      const user = await findUser(inv, inv.args[0]!, inv.args[1]!);
      return { json: user, text: userText(user) };
    },
  },
  {
    name: 'users create',
    summary: 'create a user',
    args: ['<tenant>', '<username>'],
    options: { email: { type: 'string', valueName: 'address', description: "the user's e-mail address (required)" } },
    async run(inv) {
      const [tenantId, username] = inv.args as [string, string];
      const email = optionString(inv, 'email');
      if (!email) throw new UsageError('users create: --email is required');
      const { vault } = clientsFor(inv);
      // The server assigns user_id; the spec's User has it required, so an empty one is sent.
      const user = unwrap(
        await vault.POST('/users/{tenant_id}', { params: { path: { tenant_id: tenantId } }, body: withDefaults<User>({ user_id: '', username, email, tenant_id: tenantId }) }),
        `create user ${username}`,
      );
      return { json: user, text: userText(user) };
    },
  },
  {
    name: 'users update',
    summary: "change a user's e-mail or username, or disable or enable it",
    args: ['<tenant>', '<user-id|username>'],
    options: {
      email: { type: 'string', valueName: 'address', description: 'a new e-mail address' },
      username: { type: 'string', valueName: 'name', description: 'a new username' },
      disabled: { type: 'string', valueName: 'on|off', description: 'a disabled user cannot log in' },
    },
    async run(inv) {
      const [tenantId, name] = inv.args as [string, string];
      const disabled = onOff(inv, 'disabled');
      const email = optionString(inv, 'email');
      const username = optionString(inv, 'username');
      if (disabled === undefined && email === undefined && username === undefined) throw new UsageError('users update: nothing to change (give --email, --username or --disabled)');
      const current = await findUser(inv, tenantId, name);
      const body: User = { ...current, ...(email !== undefined ? { email } : {}), ...(username !== undefined ? { username } : {}), ...(disabled !== undefined ? { is_disabled: disabled } : {}) };
      const { vault } = clientsFor(inv);
      const updated = unwrap(
        await vault.PUT('/users/{tenant_id}/{user_id}', { params: { path: { tenant_id: tenantId, user_id: current.user_id } }, body }),
        `update user ${name}`,
      );
      return { json: updated, text: userText(updated) };
    },
  },
  {
    name: 'users delete',
    summary: 'delete users',
    args: ['<tenant>', '<user-id|username...>'],
    async run(inv) {
      const [tenantId, ...names] = inv.args as [string, ...string[]];
      const users = [];
      for (const name of names) users.push(await findUser(inv, tenantId, name));
      const { vault } = clientsFor(inv);
      unwrap(
        await vault.POST('/users/{tenant_id}/batch-delete', { params: { path: { tenant_id: tenantId } }, body: { users_ids: users.map((u) => u.user_id) } }),
        'delete users',
      );
      return { json: { deleted: users.map((u) => u.user_id) }, text: `Deleted ${users.map((u) => `${u.username} (${u.user_id})`).join(', ')}` };
    },
  },
];
