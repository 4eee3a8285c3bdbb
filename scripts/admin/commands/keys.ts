/**
 * API keys of a tenant on the Vault's List User Keys, Create User Key and Regenerate Api Key. A
 * key created with an administrator's key (which has no user) is a tenant-level key; its secret is
 * shown once, by create and regenerate. The Vault has no operation that deletes a key.
 */
import type { components } from '../../../generated/secrets-vault/schema.ts';
import { optionList, optionString, UsageError, type Command } from '../cli.ts';
import { clientsFor, unwrap } from '../connection.ts';
import { fields, table } from '../format.ts';

type Created = components['schemas']['ApiKeyCreated'];

const createdText = (k: Created) =>
  fields([
    ['key', k.key_id],
    ['tenant', k.tenant_id],
    ['name', k.name],
    ['scopes', k.scopes],
    ['secret (shown once)', k.api_key],
  ]);

export const keyCommands: Command[] = [
  {
    name: 'keys list',
    summary: "list a tenant's API keys (never their secrets)",
    args: ['<tenant>'],
    async run(inv) {
      const { vault } = clientsFor(inv);
      const { api_keys } = unwrap(await vault.GET('/keys/tenant', { params: { query: { tenant_id: inv.args[0]! } } }), `keys of ${inv.args[0]}`);
      return {
        json: api_keys,
        text: table(['KEY', 'NAME', 'OWNER', 'ACTIVE', 'SCOPES'], api_keys.map((k) => [k.key_id, k.name, k.username || k.user_id || '(tenant)', k.is_active, k.scopes.join(' ')])),
      };
    },
  },
  {
    name: 'keys create',
    summary: 'create an API key in a tenant; its secret is shown once',
    args: ['<tenant>'],
    options: {
      name: { type: 'string', valueName: 'name', description: 'what the key is for (required)' },
      scope: { type: 'string', multiple: true, valueName: 'scope', description: 'a scope, e.g. users:read or USER:READ (at least one)' },
    },
    details: ['A key never gets a scope the calling key lacks.'],
    async run(inv) {
      const name = optionString(inv, 'name');
      const scopes = optionList(inv, 'scope');
      if (!name || !scopes?.length) throw new UsageError('keys create: give --name and at least one --scope');
      const { vault } = clientsFor(inv);
      const key = unwrap(await vault.POST('/keys', { body: { name, scopes, tenant_id: inv.args[0]! } }), `create key ${name}`);
      return { json: key, text: createdText(key) };
    },
  },
  {
    name: 'keys regenerate',
    summary: "replace a key's secret (the old one stops working at once); the new one is shown once",
    args: ['<key-id>'],
    async run(inv) {
      const { vault } = clientsFor(inv);
      const key = unwrap(await vault.POST('/keys/{key_id}/regenerate', { params: { path: { key_id: inv.args[0]! } } }), `regenerate key ${inv.args[0]}`);
      return { json: key, text: createdText(key) };
    },
  },
];
