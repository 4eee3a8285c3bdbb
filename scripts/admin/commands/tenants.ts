/**
 * Tenants on the Vault's operations (Read Tenants, Read Tenant, Create Tenant, Update Tenant), with
 * the settings a newcomer needs first: whether the login page offers self-registration and
 * passkeys. The Vault has no Delete Tenant, so neither has the CLI.
 */
import type { components } from '../../../generated/secrets-vault/schema.ts';
import { onOff, optionString, UsageError, type Command, type Invocation, type OptionSpec } from '../cli.ts';
import { clientsFor, unwrap, withDefaults } from '../connection.ts';
import { fields, table } from '../format.ts';

type Tenant = components['schemas']['Tenant'];
type TenantUpdate = components['schemas']['TenantUpdate'];

const SETTINGS: Record<string, OptionSpec> = {
  name: { type: 'string', valueName: 'display name', description: 'the name the login page shows' },
  register: { type: 'string', valueName: 'on|off', description: 'self-registration on the login page (register_enable)' },
  passkeys: { type: 'string', valueName: 'on|off', description: 'passkey sign-in and enrolment on the login page (passkey_enabled)' },
};

export function tenantText(t: Tenant): string {
  const block = t.block_config;
  return fields([
    ['tenant', t.tenant_id],
    ['display name', t.display_name],
    ['self-registration', t.register_enable],
    ['passkeys', t.passkey_enabled],
    ['PIN', t.use_pin],
    ['pattern', t.use_pattern],
    ['second factor', t.is_2fa],
    ['login order', t.login_order ?? []],
    ['lockout', block ? `${block.ip_attempts_limit} failures per address, ${block.user_attempts_limit} per user; blocks from ${block.initial_block_seconds} s` : null],
  ]);
}

async function readTenant(inv: Invocation, tenantId: string): Promise<Tenant> {
  const { vault } = clientsFor(inv);
  return unwrap(await vault.GET('/tenants/{tenant_id}', { params: { path: { tenant_id: tenantId } } }), `tenant ${tenantId}`);
}

/** The Update Tenant body that keeps every current setting (it replaces them all). */
function keepAll(t: Tenant): TenantUpdate {
  return {
    display_name: t.display_name ?? '',
    register_enable: t.register_enable,
    use_pin: t.use_pin,
    pin_size: t.pin_size,
    use_pattern: t.use_pattern,
    patter_size: t.patter_size,
    use_face_recognition: t.use_face_recognition,
    use_liveness: t.use_liveness,
    show_pin_when_typing: t.show_pin_when_typing,
    block_config: t.block_config ?? null,
    login_order: t.login_order ?? null,
    passkey_enabled: t.passkey_enabled,
    has_username_and_email: t.has_username_and_email,
    liveness_config: t.liveness_config ?? null,
  };
}

const tenantOutput = (t: Tenant) => ({ json: t, text: tenantText(t) });

export const tenantCommands: Command[] = [
  {
    name: 'tenants list',
    summary: 'list the tenants this key may administer',
    async run(inv) {
      const { vault } = clientsFor(inv);
      const { tenants } = unwrap(await vault.GET('/tenants'), 'tenants');
      return {
        json: tenants,
        text: table(['TENANT', 'NAME', 'REGISTRATION', 'PASSKEYS'], tenants.map((t) => [t.tenant_id, t.display_name, t.register_enable, t.passkey_enabled])),
      };
    },
  },
  {
    name: 'tenants get',
    summary: "show a tenant's login settings",
    args: ['<tenant>'],
    async run(inv) {
      return tenantOutput(await readTenant(inv, inv.args[0]!));
    },
  },
  {
    name: 'tenants create',
    summary: 'create a tenant (needs a platform admin key)',
    args: ['<tenant>'],
    options: SETTINGS,
    details: ['Settings not given take their defaults: no self-registration, no passkeys, PIN login.'],
    async run(inv) {
      const tenantId = inv.args[0]!;
      const { vault } = clientsFor(inv);
      const register = onOff(inv, 'register');
      const passkeys = onOff(inv, 'passkeys');
      unwrap(
        await vault.POST('/tenants', {
          body: withDefaults<Tenant>({
            tenant_id: tenantId,
            display_name: optionString(inv, 'name') ?? tenantId,
            ...(register !== undefined ? { register_enable: register } : {}),
            ...(passkeys !== undefined ? { passkey_enabled: passkeys } : {}),
          }),
        }),
        `create tenant ${tenantId}`,
      );
      return tenantOutput(await readTenant(inv, tenantId));
    },
  },
  {
    name: 'tenants update',
    summary: "change a tenant's name, self-registration or passkeys",
    args: ['<tenant>'],
    options: SETTINGS,
    details: ['Settings not given keep their current values.'],
    async run(inv) {
      const tenantId = inv.args[0]!;
      const register = onOff(inv, 'register');
      const passkeys = onOff(inv, 'passkeys');
      const name = optionString(inv, 'name');
      if (register === undefined && passkeys === undefined && name === undefined) throw new UsageError('tenants update: nothing to change (give --name, --register or --passkeys)');
      const body = keepAll(await readTenant(inv, tenantId));
      if (name !== undefined) body.display_name = name;
      if (register !== undefined) body.register_enable = register;
      if (passkeys !== undefined) body.passkey_enabled = passkeys;
      const { vault } = clientsFor(inv);
      unwrap(await vault.PUT('/tenants/{tenant_id}', { params: { path: { tenant_id: tenantId } }, body }), `update tenant ${tenantId}`);
      return tenantOutput(await readTenant(inv, tenantId));
    },
  },
];
