/**
 * OpenID Connect clients (relying parties) of a tenant on the Vault's Read Clients, Create Client
 * and Update Client. The Vault has no Read Client nor Delete Client: `update` finds the client in
 * the tenant's pages and sends it back with the changes (Update Client replaces every setting).
 */
import type { components } from '../../../generated/secrets-vault/schema.ts';
import { CommandError, onOff, optionList, optionString, UsageError, type Command, type Invocation, type OptionSpec } from '../cli.ts';
import { clientsFor, unwrap, withDefaults } from '../connection.ts';
import { fields, table } from '../format.ts';

type Client = components['schemas']['Client'];

const PAGE = 500;

const SETTINGS: Record<string, OptionSpec> = {
  name: { type: 'string', valueName: 'name', description: 'the name the login page shows' },
  'redirect-uri': { type: 'string', multiple: true, valueName: 'uri', description: 'a redirect URI (replaces the list when given)' },
  'logout-uri': { type: 'string', multiple: true, valueName: 'uri', description: 'a post-logout redirect URI (replaces the list when given)' },
  scope: { type: 'string', multiple: true, valueName: 'scope', description: 'an allowed scope, e.g. openid (replaces the list when given)' },
  register: { type: 'string', valueName: 'on|off', description: "self-registration from this client's login page (register_enable)" },
};

async function allClients(inv: Invocation, tenantId: string): Promise<Client[]> {
  const { vault } = clientsFor(inv);
  const out: Client[] = [];
  for (let skip = 0; ; skip += PAGE) {
    const { clients } = unwrap(await vault.GET('/clients', { params: { query: { tenant_id: tenantId, skip, limit: PAGE } } }), `clients of ${tenantId}`);
    out.push(...clients);
    if (clients.length < PAGE) return out;
  }
}

function clientText(c: Client, secret?: string | null): string {
  return fields([
    ['client', c.client_id],
    ['name', c.name],
    ['tenant', c.tenant_id],
    ['type', c.client_type],
    ['redirect URIs', c.redirect_uris ?? []],
    ['logout URIs', c.post_logout_redirect_uri ?? []],
    ['scopes', c.allowed_scopes ?? []],
    ['self-registration', c.register_enable],
    ['locked', c.is_lock],
    ...(secret ? [['secret (shown once)', secret] as const] : []),
  ]);
}

/** The options that set a client's fields, applied to `c`. */
function applySettings(inv: Invocation, c: Client): Client {
  const register = onOff(inv, 'register');
  return {
    ...c,
    ...(optionString(inv, 'name') !== undefined ? { name: optionString(inv, 'name')! } : {}),
    ...(optionList(inv, 'redirect-uri') ? { redirect_uris: optionList(inv, 'redirect-uri') } : {}),
    ...(optionList(inv, 'logout-uri') ? { post_logout_redirect_uri: optionList(inv, 'logout-uri') } : {}),
    ...(optionList(inv, 'scope') ? { allowed_scopes: optionList(inv, 'scope') } : {}),
    ...(register !== undefined ? { register_enable: register } : {}),
  };
}

export const clientCommands: Command[] = [
  {
    name: 'clients list',
    summary: "list a tenant's OpenID Connect clients",
    args: ['<tenant>'],
    async run(inv) {
      const clients = await allClients(inv, inv.args[0]!);
      return {
        json: clients,
        text: table(['CLIENT', 'NAME', 'TYPE', 'REDIRECT URIS'], clients.map((c) => [c.client_id, c.name, c.client_type, (c.redirect_uris ?? []).join(' ')])),
      };
    },
  },
  {
    name: 'clients create',
    summary: 'register an OpenID Connect client',
    args: ['<tenant>', '<client-id>'],
    options: { ...SETTINGS, public: { type: 'boolean', description: 'a public client (PKCE, no secret); confidential by default, with a generated secret shown once' } },
    async run(inv) {
      const [tenantId, clientId] = inv.args as [string, string];
      if (!optionList(inv, 'redirect-uri')) throw new UsageError('clients create: give at least one --redirect-uri');
      const body = applySettings(
        inv,
        withDefaults<Client>({
          client_id: clientId,
          tenant_id: tenantId,
          name: clientId,
          client_type: inv.options.public ? 'public' : 'confidential',
          allowed_scopes: ['openid', 'email', 'profile'],
        }),
      );
      const { vault } = clientsFor(inv);
      const created = unwrap(await vault.POST('/clients', { body }), `create client ${clientId}`);
      return { json: created, text: clientText(created, created.client_secret) };
    },
  },
  {
    name: 'clients update',
    summary: "change a client's name, URIs, scopes or self-registration",
    args: ['<tenant>', '<client-id>'],
    options: SETTINGS,
    details: ['Settings not given keep their current values; the secret is kept.'],
    async run(inv) {
      const [tenantId, clientId] = inv.args as [string, string];
      if (!Object.keys(SETTINGS).some((k) => inv.options[k] !== undefined)) throw new UsageError('clients update: nothing to change');
      const current = (await allClients(inv, tenantId)).find((c) => c.client_id === clientId);
      if (!current) throw new CommandError(`client ${clientId}: not found in tenant ${tenantId}`);
      const body = applySettings(inv, { ...current, client_secret: null });
      const { vault } = clientsFor(inv);
      unwrap(await vault.PUT('/clients/{client_id}', { params: { path: { client_id: clientId } }, body }), `update client ${clientId}`);
      const updated = (await allClients(inv, tenantId)).find((c) => c.client_id === clientId) ?? body;
      return { json: updated, text: clientText(updated) };
    },
  },
];
