/**
 * The one way every API runs a credential check under the lockout (attempts.ts): reserve the
 * attempt's slots, run the check, settle the attempt, audit the outcome.
 *
 * - The slots are reserved before anything is verified, so concurrent checks cannot exceed the
 *   policy (attempts.ts explains why counting afterwards lets guesses through).
 * - A failure keeps its slots and is counted (`fail`); the audit log gets the failure with its
 *   reason and, when the failure reached a limit, one `lockout.ip_blocked` / `lockout.user_blocked`
 *   entry per block imposed, so an operator sees why an address or a username is refused.
 * - A success gives the slots back (`pass`), clearing the username's record after a login.
 * - An error the check throws without settling (a store failure, a malformed request) gives the
 *   slots back: an internal failure or a request that never reached a credential check is not held
 *   against the caller.
 *
 * Callers: the Vault's zkimg-1 and passkey logins, reset codes and e-mail change proofs
 * (identity/vault/), the Passkeys API's one-time codes and assertions (apis/passkeys/).
 */
import type { Store } from '../../store/collections.ts';
import type { AuditService } from '../audit.ts';
import { attemptFailed, attemptSucceeded, releaseAttempt, reserveAttempt, type HeldAttempt, type ImposedBlock, type LoginSubject } from './attempts.ts';
import type { LockoutPolicy } from './policy.ts';

export interface LockoutDeps {
  store: Store;
  audit: Pick<AuditService, 'record'>;
}

/** Where the attempt comes from, for the audit log. */
export interface AttemptOrigin {
  ip: string;
  requestId?: string | null;
}

/** An attempt holding its slots, settled once by `fail`, `pass` or (on a thrown error) release. */
export class CredentialCheck {
  readonly #deps: LockoutDeps;
  readonly #held: HeldAttempt;
  readonly #origin: AttemptOrigin;
  #userId: string | null;

  constructor(deps: LockoutDeps, held: HeldAttempt, origin: AttemptOrigin) {
    this.#deps = deps;
    this.#held = held;
    this.#origin = origin;
    this.#userId = held.subject.userId ?? null;
  }

  get subject(): LoginSubject {
    return { ...this.#held.subject, userId: this.#userId };
  }

  get settled(): boolean {
    return this.#held.settled;
  }

  /** Names the account behind the username once it is known (blocked-users lists it). */
  identify(userId: string | null): void {
    this.#userId = userId;
  }

  /**
   * Counts the failure and audits it under `action` (outcome `failure`), with every block it
   * imposed. The entry's target is the username tried unless the caller names another (the
   * account whose change the check guards). Returns the blocks; the caller throws its own refusal.
   */
  async fail(action: string, reason: string, details: Record<string, unknown> = {}, target?: string): Promise<ImposedBlock[]> {
    const { store, audit } = this.#deps;
    const blocks = await attemptFailed(store, this.#held, { userId: this.#userId });
    const { tenantId, usernameKey } = this.#held.subject;
    const { ip, requestId = null } = this.#origin;
    await audit.record({
      tenantId,
      actor: this.#userId ? { type: 'user', id: this.#userId } : { type: 'anonymous' },
      action,
      outcome: 'failure',
      target: target ?? usernameKey ?? this.#userId,
      ip: ip || null,
      requestId,
      details: { reason, ...details, ...(blocks.length > 0 ? { blocked: blocks } : {}) },
    });
    for (const b of blocks) {
      await audit.record({
        tenantId,
        actor: { type: 'system' },
        action: b.kind === 'ip' ? 'lockout.ip_blocked' : 'lockout.user_blocked',
        outcome: 'denied',
        target: b.subject,
        ip: ip || null,
        requestId,
        details: { seconds: b.seconds },
      });
    }
    return blocks;
  }

  /**
   * The credential verified: the slots go back. `clearUser` after a login (the username's record
   * is forgotten), not after an intermediate step such as a zkimg-1 challenge or a code check
   * that signs nobody in. The caller audits the success with what it knows (session, method).
   */
  async pass(options: { clearUser: boolean }): Promise<void> {
    await attemptSucceeded(this.#deps.store, this.#held, options);
  }
}

/**
 * Reserves the attempt (throws `lockout.blocked` when the address or username is blocked), runs
 * `check`, and gives the slots back if `check` throws before settling. `alongside` runs in
 * parallel with the reservation (typically the user lookup): its result is handed to `check`,
 * and if it fails the slots are given back before the error is reported.
 */
export async function underLockout<T, U = undefined>(
  deps: LockoutDeps,
  policy: LockoutPolicy,
  subject: LoginSubject,
  origin: AttemptOrigin,
  check: (attempt: CredentialCheck, found: U) => Promise<T>,
  alongside?: () => Promise<U>,
): Promise<T> {
  const reserving = reserveAttempt(deps.store, policy, subject);
  let held: HeldAttempt;
  let found: U;
  try {
    [held, found] = await Promise.all([reserving, alongside ? alongside() : (undefined as U)]);
  } catch (error) {
    const taken = await reserving.catch(() => null);
    if (taken !== null) await releaseAttempt(deps.store, taken).catch(() => undefined);
    throw error;
  }
  const attempt = new CredentialCheck(deps, held, origin);
  try {
    return await check(attempt, found);
  } finally {
    if (!held.settled) await releaseAttempt(deps.store, held).catch(() => undefined);
  }
}
