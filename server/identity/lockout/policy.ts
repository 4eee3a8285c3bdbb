/**
 * A lockout policy (attempts.ts): how many failed credential checks an address and a username
 * may make in their windows, and how long the blocks that follow last. The core's own type: each
 * API derives it from its own settings (the Vault from a tenant's `block_config`,
 * vault/tenant-settings.ts `lockoutPolicyOf`).
 */
export interface LockoutPolicy {
  /** Failed attempts from one address (any username) within `ipWindowSeconds` before it is blocked. */
  ipAttemptsLimit: number;
  ipWindowSeconds: number;
  /** Failed attempts for one username (from any address) within `userWindowSeconds` before it is blocked. */
  userAttemptsLimit: number;
  userWindowSeconds: number;
  /** The first block; each further block of the same address or username doubles, up to `maxBlockSeconds`. */
  initialBlockSeconds: number;
  maxBlockSeconds: number;
}
