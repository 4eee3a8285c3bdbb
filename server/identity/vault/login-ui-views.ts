/**
 * What the login page may know (Get Client, Get Client Tenant): a client's branding and policy
 * links, whether it accepts registrations, and its tenant's login options. Never a secret, its
 * hash, redirect URIs, scopes, the lockout configuration or the 2FA flag: these views are public.
 *
 * `has_profile` (PublicClient; the seed does not define it): true when the client has a login
 * profile configured, i.e. a `flow` (`{type, issuer}`, e.g. "microsoft-mfa").
 * `tenant_name`: the client's own `tenant_name` when set, else the tenant's display name or name.
 */
import type { components } from '../../../generated/secrets-vault/schema.ts';
import type { ClientDoc, TenantDoc } from '../../store/collections.ts';
import { toVaultTenant } from './tenant-settings.ts';

export type PublicClient = components['schemas']['PublicClient'];
export type PublicTenant = components['schemas']['PublicTenant'];

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function toPublicClient(client: ClientDoc, tenant: TenantDoc): PublicClient {
  const x = client.extra;
  const vaultTenant = toVaultTenant(tenant);
  return {
    client_id: client.clientId,
    name: client.name,
    tenant_id: client.tenantId,
    logo_uri: str(x.logo_uri),
    op_policy_url: str(x.op_policy_url),
    op_tos_url: str(x.op_tos_url),
    op_user_agreement_url: str(x.op_user_agreement_url),
    client_uri: str(x.client_uri),
    client_logout_uri: str(x.client_logout_uri),
    register_enable: x.register_enable === true,
    tenant_name: str(x.tenant_name) ?? (vaultTenant.display_name || tenant.name),
    has_profile: x.flow !== null && typeof x.flow === 'object',
  };
}

export function toPublicTenant(tenant: TenantDoc): PublicTenant {
  const t = toVaultTenant(tenant);
  return {
    tenant_id: tenant._id,
    register_enable: t.register_enable ?? false,
    use_pin: t.use_pin ?? true,
    pin_size: t.pin_size ?? 6,
    use_pattern: t.use_pattern ?? true,
    patter_size: t.patter_size ?? 3,
    use_face_recognition: t.use_face_recognition ?? false,
    use_liveness: t.use_liveness ?? false,
    display_name: t.display_name ?? '',
    show_pin_when_typing: t.show_pin_when_typing ?? true,
    login_order: [...(t.login_order ?? ['PIN'])],
    passkey_enabled: t.passkey_enabled ?? false,
    has_username_and_email: t.has_username_and_email ?? true,
    liveness_config: t.liveness_config ?? null,
  };
}
