/**
 * Why a Directory session rule refused, in the core's words; the Directory API maps each reason to
 * its own error (server/apis/directory-session/errors.ts). Messages are safe to log and show.
 */
export type DirectoryRefusalReason =
  /** no such open session, native login or state, or it ended */
  | 'unknown'
  /** the caller is not entitled (someone else's session, a redirect not registered for the user) */
  | 'forbidden'
  /** a request parameter breaks a rule (unregistered redirect URL, unknown app claim) */
  | 'invalid'
  /** reuse of a single-use value (native token) */
  | 'reused'
  /** nothing to act on (renew or check-in without a borrow) */
  | 'nothing'
  /** the per-user borrow limit */
  | 'limit'
  /** the session already holds what it asks for */
  | 'conflict'
  /** the tenant has no upstream provider */
  | 'no_upstream'
  /** the upstream provider refused or answered something invalid */
  | 'upstream';

export class DirectoryRefusal extends Error {
  override name = 'DirectoryRefusal';
  constructor(
    readonly reason: DirectoryRefusalReason,
    message: string,
    /** a refusal after the browser left for the provider goes back to the caller's redirect URL */
    readonly redirectTo?: { url: string; appData: string | null },
  ) {
    super(message);
  }
}
