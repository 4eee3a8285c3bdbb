/**
 * The tenant's liveness policy (docs/zkimg-1.md, Verification step 6: "the liveness evidence in
 * `log_data` fails the tenant's liveness policy"). The seed names the fields (LogData,
 * LivenessConfig) but not the rule; this is the gateway's, deliberately minimal:
 *
 * When the tenant has `use_liveness` off, `log_data` is telemetry only and never fails.
 * When it is on, the evidence passes only if all of these hold:
 * - `log_data.evidence` is present (no evidence is a failure);
 * - `status`, when given, is "success";
 * - at least `number_steps_min` liveness steps passed;
 * - at most `number_of_allowed_failures` steps failed;
 * - exactly one face was seen at most (`facesDetectedMax` is 1): no face, or a second person in
 *   the frame, is not a live capture of the user;
 * - no anti-spoofing trigger fired;
 * - the liveness phase, when timed, took no longer than `duration_in_seconds`.
 * A failure does not refuse the login (the zkimg-1 proof already holds); it sets `need_verify`, so
 * a second step (passkey or e-mailed code) is needed before a code is issued. The evidence is
 * client-reported: it sets policy, like the bit-error report, and is not a proof.
 */
import type { components } from '../../../generated/secrets-vault/schema.ts';
import { DEFAULT_LIVENESS_CONFIG } from './tenant-settings.ts';

export type LogData = components['schemas']['LogData'];
type LivenessConfig = components['schemas']['LivenessConfig'];

/** Why the evidence fails the policy, or null when it passes (or liveness is off). */
export function livenessFailure(useLiveness: boolean, config: LivenessConfig | null | undefined, logData: LogData | null | undefined): string | null {
  if (!useLiveness) return null;
  const c = { ...DEFAULT_LIVENESS_CONFIG, ...(config ?? {}) };
  const evidence = logData?.evidence;
  if (logData == null || evidence == null) return 'no liveness evidence';
  if (logData.status !== undefined && logData.status !== 'success') return `liveness status ${logData.status}`;
  if ((evidence.stepsPassed ?? 0) < c.number_steps_min) return `${evidence.stepsPassed ?? 0} liveness steps passed, ${c.number_steps_min} needed`;
  if ((evidence.stepsFailed ?? 0) > c.number_of_allowed_failures) return `${evidence.stepsFailed} liveness steps failed, ${c.number_of_allowed_failures} allowed`;
  if (evidence.facesDetectedMax !== 1) return `faces detected: ${evidence.facesDetectedMax ?? 0}, expected exactly 1`;
  if ((evidence.antiSpoofingTriggers ?? []).length > 0) return `anti-spoofing triggers: ${(evidence.antiSpoofingTriggers ?? []).join(', ')}`;
  const livenessMs = evidence.timing?.livenessPhaseDurationMs;
  if (typeof livenessMs === 'number' && livenessMs > c.duration_in_seconds * 1000) return `liveness phase took ${livenessMs} ms, limit ${c.duration_in_seconds} s`;
  return null;
}
