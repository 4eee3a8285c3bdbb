/**
 * A Vault tenant's login policy (the spec's Tenant schema), kept in `tenant.settings.vault` with the
 * spec's field names (specs/secrets-vault.yaml Tenant). Absent fields read as the spec's defaults, so a tenant
 * created by another API (or by bootstrap) is a complete Vault tenant without a migration.
 *
 * The zkimg policy (`zkimg: {max_ber, verify_ber}`, docs/zkimg-1.md Verification steps 4 and 6) lives in
 * the same section but is not part of the Tenant schema; updates never touch it.
 */
import type { components } from '../../../generated/secrets-vault/schema.ts';
import type { TenantDoc } from '../../store/collections.ts';
import { validationError } from '../../http/errors.ts';
import type { LockoutPolicy } from '../lockout/policy.ts';

export type VaultTenant = components['schemas']['Tenant'];
export type VaultTenantUpdate = components['schemas']['TenantUpdate'];
type BlockConfig = components['schemas']['BlockConfig'];
type LivenessConfig = components['schemas']['LivenessConfig'];

/** BlockConfig defaults of the spec (seed 002). */
export const DEFAULT_BLOCK_CONFIG: Required<BlockConfig> = {
  ip_attempts_limit: 5,
  ip_attempts_reset_minutes: 10080,
  user_attempts_limit: 15,
  user_timeframe_seconds: 300,
  initial_block_seconds: 60,
  max_block_time_minutes: 2880,
};

/** LivenessConfig defaults of the spec; the blink min/max look swapped in the seed and are kept as given. */
export const DEFAULT_LIVENESS_CONFIG: Required<LivenessConfig> = {
  number_steps_min: 4,
  number_steps_max: 6,
  duration_in_seconds: 10,
  number_of_allowed_failures: 1,
  gesture_set: [],
  number_blinks_max: 0,
  number_blinks_min: 10000,
};

export const DEFAULT_ZKIMG_POLICY = { max_ber: 0.25, verify_ber: 0.15 } as const;

/** The Tenant fields other than `tenant_id`, with the spec's defaults. */
const TOGGLE_DEFAULTS = {
  register_enable: false,
  is_2fa: false,
  use_pin: true,
  pin_size: 6,
  use_pattern: true,
  patter_size: 3,
  use_face_recognition: false,
  use_liveness: false,
  display_name: '',
  show_pin_when_typing: true,
  login_order: ['PIN'] as ('PIN' | 'PATTERN')[],
  passkey_enabled: false,
  has_username_and_email: true,
};

type Toggle = keyof typeof TOGGLE_DEFAULTS;
const TOGGLES = Object.keys(TOGGLE_DEFAULTS) as Toggle[];
/** What Update Tenant may change: every toggle but `is_2fa` (TenantUpdate has no such field). */
const UPDATABLE = TOGGLES.filter((t) => t !== 'is_2fa');

/** The stored section: spec field names, plus the zkimg policy. */
export type VaultSettings = Partial<Omit<VaultTenant, 'tenant_id'>> & { zkimg?: { max_ber?: number; verify_ber?: number } };

export function vaultSettingsOf(tenant: TenantDoc): VaultSettings {
  const section = tenant.settings.vault;
  return section !== null && typeof section === 'object' ? (section as VaultSettings) : {};
}

/** The tenant as the spec's Tenant, every absent field at its default. */
export function toVaultTenant(tenant: TenantDoc): VaultTenant {
  const s = vaultSettingsOf(tenant);
  const out: Record<string, unknown> = { tenant_id: tenant._id };
  for (const t of TOGGLES) out[t] = s[t] ?? TOGGLE_DEFAULTS[t];
  out.block_config = { ...DEFAULT_BLOCK_CONFIG, ...(s.block_config ?? {}) };
  out.liveness_config = { ...DEFAULT_LIVENESS_CONFIG, ...(s.liveness_config ?? {}) };
  return out as VaultTenant;
}

/** The block configuration in force. */
export function blockConfigOf(tenant: TenantDoc): Required<BlockConfig> {
  return { ...DEFAULT_BLOCK_CONFIG, ...(vaultSettingsOf(tenant).block_config ?? {}) };
}

/** A `block_config` as the core's lockout policy (identity/lockout/policy.ts). */
export function toLockoutPolicy(config: Required<BlockConfig>): LockoutPolicy {
  return {
    ipAttemptsLimit: config.ip_attempts_limit,
    ipWindowSeconds: config.ip_attempts_reset_minutes * 60,
    userAttemptsLimit: config.user_attempts_limit,
    userWindowSeconds: config.user_timeframe_seconds,
    initialBlockSeconds: config.initial_block_seconds,
    maxBlockSeconds: config.max_block_time_minutes * 60,
  };
}

/** The tenant's lockout policy in force (every Vault credential check reserves under it). */
export function lockoutPolicyOf(tenant: TenantDoc): LockoutPolicy {
  return toLockoutPolicy(blockConfigOf(tenant));
}

/** The zkimg-1 acceptance policy in force. */
export function zkimgPolicyOf(tenant: TenantDoc): { max_ber: number; verify_ber: number } {
  return { ...DEFAULT_ZKIMG_POLICY, ...(vaultSettingsOf(tenant).zkimg ?? {}) };
}

/**
 * The settings section for a new tenant: the request's fields with defaults filled in, so that a
 * later change of a default in the spec does not silently change existing tenants.
 */
export function settingsForCreate(body: VaultTenant): VaultSettings {
  const { tenant_id: _id, ...rest } = body;
  void _id;
  const full = toVaultTenant({ _id: body.tenant_id, name: '', settings: { vault: rest }, createdAt: new Date(0), updatedAt: new Date(0) });
  const { tenant_id: _ignored, ...settings } = full;
  void _ignored;
  return { ...settings, zkimg: { ...DEFAULT_ZKIMG_POLICY } };
}

/**
 * Update Tenant replaces the toggles (a field left out takes the spec's default, as FastAPI fills a
 * model), keeps `is_2fa` and the zkimg policy, and keeps `block_config`, `login_order` and
 * `liveness_config` when they are null or absent (the spec: "a null ... keeps the current value").
 */
export function settingsForUpdate(current: TenantDoc, body: VaultTenantUpdate): VaultSettings {
  const before = vaultSettingsOf(current);
  const next: VaultSettings = { ...before };
  const given = body as Record<string, unknown>;
  const record = next as Record<string, unknown>;
  for (const t of UPDATABLE) {
    if (t === 'login_order') continue;
    record[t] = given[t] ?? TOGGLE_DEFAULTS[t];
  }
  if (body.login_order != null) next.login_order = body.login_order;
  if (body.block_config != null) next.block_config = { ...DEFAULT_BLOCK_CONFIG, ...body.block_config };
  if (body.liveness_config != null) next.liveness_config = { ...DEFAULT_LIVENESS_CONFIG, ...body.liveness_config };
  return next;
}

/**
 * Lockout numbers must be positive: a limit of 0 would lock every user out on the first try, and a
 * zero or negative window or block time would disable the lockout the tenant asked for.
 */
export function checkBlockConfig(config: BlockConfig | null | undefined, where: string[]): void {
  if (config == null) return;
  const issues = Object.entries(config)
    .filter(([, v]) => typeof v === 'number' && v < 1)
    .map(([k]) => ({ location: 'body' as const, path: [...where, k], message: 'must be at least 1', type: 'greater_than_equal' }));
  if (issues.length > 0) throw validationError(issues);
}
